# PyMOTW "threading": passing arguments to threads.
require "weft"

threads = 5.times.map { |i| Weft::Thread.new { puts "Worker: #{i}" } }
threads.each(&:join)
