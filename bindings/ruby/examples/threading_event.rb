# PyMOTW "threading": waiting for an Event, with and without a timeout.
require "weft"

event = Weft::Event.new
blocking = Weft::Thread.new { puts "wait_for_event: event set: #{event.wait}" }
nonblocking = Weft::Thread.new { puts "wait_for_event_timeout: event set: #{event.wait(0.05)}" }
nonblocking.join
puts "main: setting event"
event.set
blocking.join
