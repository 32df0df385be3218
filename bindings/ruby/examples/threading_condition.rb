# PyMOTW "threading": consumers wait on a Condition until the producer makes the resource.
require "weft"

condition = Weft::Condition.new
available = false
consumers = 2.times.map do |i|
  Weft::Thread.new(name: "c#{i + 1}") do
    condition.synchronize do
      condition.wait until available
      puts "#{Weft::Thread.current.name}: resource is available to consumer"
    end
  end
end
condition.synchronize do
  puts "p: making resource available"
  available = true
  condition.broadcast
end
consumers.each(&:join)
