# frozen_string_literal: true

module Weft
  # An object holding one reference to a weft handle: `#free` (and `#close`, but for a Queue,
  # whose #close is Ruby's Queue#close) releases it, once, later calls doing nothing; a
  # finalizer releases it if the object is collected first. A freed object raises IOError when
  # used.
  class Handle
    # `free` is the C function releasing a reference; subclasses set it with `frees`.
    def self.frees(name) = @free = name

    def self.free_function = @free || superclass.free_function

    # The finalizer: it must not reference the object itself.
    def self.releaser(pointer, free)
      proc { Native.public_send(free, pointer) }
    end

    # Wraps `pointer`, a reference the new object owns.
    def self.adopt(pointer, *args)
      object = allocate
      object.send(:adopt, pointer)
      object.send(:adopted, *args) if object.respond_to?(:adopted, true)
      object
    end

    def closed? = @pointer.nil?

    # Releases this object's reference (the object itself goes when its last one does).
    def free
      pointer = @pointer or return nil
      @pointer = nil
      ObjectSpace.undefine_finalizer(self)
      Native.public_send(self.class.free_function, pointer)
      nil
    end

    def close = free

    # The C handle (an FFI::Pointer), for passing this object to C code, which must take its
    # own reference (`weft_<type>_clone`) to keep it beyond this object's life.
    def to_ptr
      @pointer or raise IOError, "#{self.class} is closed"
    end

    private

    def adopt(pointer)
      @pointer = pointer
      ObjectSpace.define_finalizer(self, Handle.releaser(pointer, self.class.free_function))
    end

    # Calls `constructor(*args, &handle)` and adopts the new handle.
    def create(constructor, *args)
      out = FFI::MemoryPointer.new(:pointer)
      Weft.check(Native.public_send(constructor, *args, out))
      adopt(out.read_pointer)
    end
  end

  # How long one blocking C call waits at most before Ruby gets a chance to run its interrupts
  # (signal handlers, Thread#raise, Thread#kill, the kill of every thread at exit): a call
  # released from the GVL cannot be interrupted, so every wait is cut into slices.
  SLICE = 0.05

  # A timeout argument: nil waits without limit; otherwise seconds, checked with weft's rule
  # before a wait is cut into slices (raising what the C call would).
  def self.seconds(timeout)
    return Native::TIMEOUT_FOREVER if timeout.nil?

    seconds = Float(timeout)
    raise error(INVALID_TIMEOUT) unless seconds >= 0.0 # also NaN
    raise error(TIMEOUT_TOO_LARGE) if seconds > Native::TIMEOUT_MAX

    seconds
  end

  # Runs the blocking C call `yield(seconds)` (attached `blocking: true`) for `timeout` (nil or
  # seconds) in slices of at most SLICE seconds, and returns its status. The call must be safe
  # to repeat after a slice ends with `timed_out`. `missed`, if given, is asked after each
  # slice that timed out whether what the call waits for happened between slices.
  def self.wait(timeout, timed_out: TIMEOUT, missed: nil)
    seconds = seconds(timeout)
    return yield(seconds) if seconds <= SLICE && seconds >= 0.0

    deadline = seconds.negative? ? nil : now + seconds
    loop do
      remaining = deadline ? deadline - now : SLICE * 2
      return yield([remaining, 0.0].max) if remaining <= SLICE

      status = yield(SLICE)
      return status unless status == timed_out
      return OK if missed&.call
    end
  end

  def self.now = Process.clock_gettime(Process::CLOCK_MONOTONIC)

  # A table of Ruby objects that C holds as plain tokens (a thread's body, a queued item, a
  # task): the token is what C stores, the table keeps the object alive until it is taken back.
  class Registry
    def initialize
      @objects = {}
      @next = 0
      @mutex = Mutex.new
    end

    def add(object)
      @mutex.synchronize do
        @next += 1
        @objects[@next] = object
        @next
      end
    end

    def [](token) = @mutex.synchronize { @objects[token] }

    def []=(token, object)
      @mutex.synchronize { @objects[token] = object }
    end

    def delete(token) = @mutex.synchronize { @objects.delete(token) }

    def values = @mutex.synchronize { @objects.values }
  end
end
