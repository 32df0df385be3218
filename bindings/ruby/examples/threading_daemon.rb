# PyMOTW "threading": a daemon thread does not keep the process alive.
require "weft"

Weft::Thread.new(name: "daemon", daemon: true) do
  puts "daemon Starting"
  Weft::Event.new.wait(0.5)
  puts "daemon Exiting"
end
Weft::Thread.new(name: "non-daemon") { puts "non-daemon Starting"; puts "non-daemon Exiting" }.join
