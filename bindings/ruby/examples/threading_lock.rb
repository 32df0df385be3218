# PyMOTW "threading": a Lock around a counter.
require "weft"

lock = Weft::Lock.new
counter = 0
threads = 5.times.map { Weft::Thread.new { 3.times { lock.synchronize { counter += 1 } } } }
threads.each(&:join)
puts "Counter: #{counter}"
