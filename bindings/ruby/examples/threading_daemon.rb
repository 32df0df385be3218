# PyMOTW "threading": a daemon thread does not keep the process alive.
# main waits until the daemon has started, so that its "Starting" is always printed.
require "weft"

started = Weft::Event.new
Weft::Thread.new(name: "daemon", daemon: true) do
  puts "daemon Starting"
  started.set
  Weft::Event.new.wait(0.5)
  puts "daemon Exiting"
end
Weft::Thread.new(name: "non-daemon") { puts "non-daemon Starting"; puts "non-daemon Exiting" }.join
started.wait
