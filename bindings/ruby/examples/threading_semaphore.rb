# PyMOTW "threading": a Semaphore lets at most 2 workers in at once.
require "weft"

semaphore = Weft::Semaphore.new(2)
lock = Weft::Lock.new
active = 0
most = 0
workers = 6.times.map do
  Weft::Thread.new do
    semaphore.synchronize do
      lock.synchronize { most = [most, active += 1].max }
      Weft::Event.new.wait(0.01)
      lock.synchronize { active -= 1 }
    end
  end
end
workers.each(&:join)
puts "most active at once: #{most}"
