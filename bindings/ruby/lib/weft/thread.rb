# frozen_string_literal: true

module Weft
  # A weft thread (threading.Thread) running a Ruby block.
  #
  # The block runs when the weft thread calls back into Ruby: the ffi gem hands a call from a
  # thread Ruby did not create to a Ruby thread of its own ("FFI Callback Runner"), while the weft
  # thread waits for it. So the block runs on a Ruby thread, under the GVL like any Ruby code;
  # blocking weft calls release the GVL. Inside the block, Weft::Thread.current is this object.
  #
  # The thread starts at once (`start: false` defers it to #start). It is a daemon if `daemon:`
  # says so, else if it is made inside the block of a daemon Weft::Thread; threads made from
  # Ruby's main thread or its other threads are not daemons. How each kind ends at exit: README.
  class Thread < Handle
    frees :weft_thread_free

    # The threads whose block may still run, by the token C holds as the thread's argument.
    BODIES = Registry.new
    BODY = FFI::Function.new(:pointer, [:pointer]) do |token|
      BODIES[token.address]&.send(:run)
      nil
    end
    # Never freed, not even when Ruby tears its objects down at exit: a daemon thread may still
    # call it then (the call then waits for a Ruby that no longer runs, and the process exits).
    BODY.autorelease = false

    attr_accessor :report_on_exception

    def initialize(name: nil, daemon: nil, start: true, &block)
      raise ArgumentError, "a block is needed" unless block

      setup(block, daemon)
      @token = BODIES.add(nil)
      begin
        create(:weft_thread_new_named, BODY, FFI::Pointer.new(@token), nil, name&.to_s)
      rescue StandardError
        BODIES.delete(@token)
        raise
      end
      Weft.check(Native.weft_thread_set_daemon(to_ptr, @daemon))
      self.start if start
    end

    # The thread running this code: the Weft::Thread whose block this is, or a wrapper of
    # weft's own object for it (MainThread, or a Dummy-N for other Ruby threads).
    def self.current
      ::Thread.current[:weft_thread] || adopt(Native.weft_current_thread)
    end

    def self.main = adopt(Native.weft_main_thread)

    def start
      BODIES[@token] = self
      status = Native.weft_thread_start(to_ptr)
      @started = true if status == OK
      unless status == OK
        BODIES.delete(@token) unless status == ALREADY_STARTED
        raise Weft.error(status)
      end
      Weft.started unless @daemon
      self
    end

    # Waits for the thread to finish, at most `limit` seconds (nil: no limit), as Ruby's
    # Thread#join: self once it finished, nil if the time ran out; raises the exception that
    # ended the block.
    def join(limit = nil)
      handle = to_ptr
      status = Weft.wait(limit) { |t| Native.weft_thread_join(handle, t) }
      return nil if status == TIMEOUT

      Weft.check(status)
      finished
      raise @exception if @exception

      self
    end

    # The block's value, once it finished (raises the exception that ended it).
    def value
      join
      @value
    end

    # Releases the handle; a thread whose block may still run keeps it until it is joined or
    # waited for at exit, so that the exit-time wait still sees it.
    def free
      return super unless BODIES[@token].equal?(self)

      @close_when_finished = true
      nil
    end

    def alive? = Native.weft_thread_is_alive(to_ptr)

    def daemon? = Native.weft_thread_is_daemon(to_ptr)

    def name
      handle = to_ptr
      length = FFI::MemoryPointer.new(:size_t)
      Weft.check(Native.weft_thread_get_name(handle, nil, 0, length))
      buffer = FFI::MemoryPointer.new(:char, length.read(:size_t) + 1)
      Weft.check(Native.weft_thread_get_name(handle, buffer, buffer.size, nil))
      buffer.read_string.force_encoding(Encoding::UTF_8)
    end

    def name=(name)
      Weft.check(Native.weft_thread_set_name(to_ptr, name.to_s))
    end

    def ident = Native.weft_thread_ident(to_ptr)

    def native_id = Native.weft_thread_native_id(to_ptr)

    # Whether both objects are the same weft thread (Python's `is`).
    def ==(other) = other.is_a?(Thread) && Native.weft_thread_is(to_ptr, other.to_ptr)

    def inspect = "#<#{self.class} #{name}#{alive? ? " alive" : ""}>"

    private

    # The block has run (or, joined, never will: a cancelled Timer's): the thread no longer
    # calls back into Ruby, so the exit-time wait can leave it to C's.
    def finished
      BODIES.delete(@token)
      free if @close_when_finished
    end

    # For the exit-time wait: until the thread has entered its block, or finished without
    # (a cancelled Timer).
    def wait_entered
      handle = to_ptr
      Native.weft_thread_join(handle, 0.001) == TIMEOUT until @entered || !alive? && @started
    end

    # For the exit-time wait: joins without raising the block's exception.
    def wait_finished
      handle = to_ptr
      Weft.check(Weft.wait(nil) { |t| Native.weft_thread_join(handle, t) })
      finished
    end

    def setup(block, daemon)
      @block = block
      current = ::Thread.current[:weft_thread]
      @daemon = daemon.nil? ? (current ? current.daemon? : false) : daemon
      @report_on_exception = true
    end

    # The block, in the Ruby thread the ffi gem runs the callback on.
    def run
      @entered = true
      ruby_thread = ::Thread.current
      ruby_thread[:weft_thread] = self
      ruby_thread.name = name
      @value = @block.call
    rescue Exception => e # rubocop:disable Lint/RescueException: raised again by #join
      @exception = e
      if @report_on_exception && !e.is_a?(SystemExit)
        warn "#<#{self.class}:#{name}> terminated with exception (report_on_exception is true):\n" \
             "#{e.full_message(highlight: false)}"
      end
    ensure
      finished
    end
  end

  # threading.Timer: a thread that runs the block after `interval` seconds unless cancelled.
  class Timer < Thread
    def initialize(interval, name: nil, daemon: nil, start: true, &block) # rubocop:disable Lint/MissingSuper
      raise ArgumentError, "a block is needed" unless block

      setup(block, daemon)
      @token = BODIES.add(nil)
      begin
        create(:weft_timer_new, Float(interval), BODY, FFI::Pointer.new(@token), nil)
      rescue StandardError
        BODIES.delete(@token)
        raise
      end
      self.name = name if name
      Weft.check(Native.weft_thread_set_daemon(to_ptr, @daemon))
      self.start if start
    end

    def cancel
      Weft.check(Native.weft_timer_cancel(to_ptr))
      nil
    end
  end

  def self.active_count = Native.weft_active_count
end
