# PyMOTW "threading": a Timer runs after its delay, a cancelled one never does; a non-daemon
# timer keeps the process alive after main's last line.
require "weft"

t1 = Weft::Timer.new(0.1, name: "t1") { puts "t1 fired" }
t2 = Weft::Timer.new(0.1, name: "t2") { puts "t2 fired" }
t2.cancel
puts "Main thread done"
