# PyMOTW "threading": a Lock is not reentrant, an RLock is.
require "weft"

lock = Weft::Lock.new
puts "First try: #{lock.acquire}"
puts "Second try: #{lock.acquire(timeout: 0)}"
rlock = Weft::RLock.new
puts "RLock first try: #{rlock.acquire}"
puts "RLock second try: #{rlock.acquire(timeout: 0)}"
