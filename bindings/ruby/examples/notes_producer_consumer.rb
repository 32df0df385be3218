# Community notes: a Queue between a producer and a consumer, with task_done and join.
require "weft"

queue = Weft::Queue.new(2)
consumer = Weft::Thread.new(daemon: true) do
  loop do
    item = queue.pop
    puts "consumed #{item}"
    queue.task_done
  end
end
5.times { |i| queue << "item #{i}" }
queue.join
puts "all consumed"
