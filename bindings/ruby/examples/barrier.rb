# A Barrier: three workers meet, the action runs once per cycle.
require "weft"

barrier = Weft::Barrier.new(3) { puts "all arrived" }
workers = 3.times.map { |i| Weft::Thread.new { barrier.wait; i } }
puts "workers: #{workers.map(&:value).sort.join(", ")}"
