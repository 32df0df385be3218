# frozen_string_literal: true

module Weft
  # concurrent.futures.ThreadPoolExecutor: `#submit { }` runs the block on a worker and returns
  # a Weft::Future. Like a Weft::Thread's, the block runs on a Ruby thread the ffi gem starts for
  # the worker's call.
  class ThreadPoolExecutor < Handle
    frees :weft_pool_free

    # Pools alive, shut down at exit (see Weft's exit handler) so that their tasks run while
    # Ruby can still run them.
    LIVE = ObjectSpace::WeakMap.new
    TASK = FFI::Function.new(:int, [:pointer, :pointer]) do |token, _result|
      Future::PENDING[token.address]&.send(:run, token.address) || 1
    end
    TASK.autorelease = false

    # `max_workers` nil: weft's default, min(32, CPUs + 4).
    def initialize(max_workers: nil, thread_name_prefix: nil)
      create(:weft_pool_new, max_workers || 0, thread_name_prefix, nil, nil, nil)
      LIVE[self] = true
    end

    # With a block: the pool is yielded, then shut down (waiting), as Python's `with`.
    def self.open(**options)
      pool = new(**options)
      return pool unless block_given?

      begin
        yield pool
      ensure
        pool.shutdown
        pool.free
      end
    end

    def max_workers = Native.weft_pool_max_workers(to_ptr)

    def submit(&block)
      raise ArgumentError, "a block is needed" unless block

      future = Future.allocate
      token = Future::PENDING.add(future)
      future.send(:setup, block, token, self) # before the task can run
      out = FFI::MemoryPointer.new(:pointer)
      status = Native.weft_pool_submit(to_ptr, TASK, FFI::Pointer.new(token), nil, out)
      unless status == OK
        Future::PENDING.delete(token)
        raise Weft.error(status)
      end
      future.send(:adopt, out.read_pointer)
      future
    end

    alias post submit

    # Python's shutdown(wait=True, cancel_futures=False). Waiting is cut into slices (for
    # Ruby's interrupts): the tasks submitted from Ruby are waited for first, then the workers.
    def shutdown(wait: true, cancel_futures: false)
      handle = to_ptr
      Weft.check(Native.weft_pool_shutdown(handle, false, cancel_futures))
      mine = Future::PENDING.values.select { |f| f.pool.equal?(self) }
      mine.each { |f| f.cancelled? ? f.send(:dropped) : (f.wait if wait) }
      Weft.check(Native.weft_pool_shutdown(handle, true, false)) if wait
      nil
    end
  end

  # concurrent.futures.Future, for a task submitted from Ruby.
  class Future < Handle
    frees :weft_future_free

    # The tasks not finished yet, by the token C holds as their argument.
    PENDING = Registry.new

    attr_reader :pool

    # The task's value: waits at most `timeout` seconds (nil: no limit), raising
    # Weft::TimeoutError if it is not done by then, Weft::CancelledError if it was cancelled,
    # and the task's own exception if it raised.
    def value(timeout = nil)
      raise Weft.error(TIMEOUT) unless wait(timeout)
      raise Weft.error(CANCELLED) if cancelled?
      raise @exception if @exception

      @value
    end

    alias result value

    # The exception the task raised (nil if none), waiting as #value does.
    def exception(timeout = nil)
      raise Weft.error(TIMEOUT) unless wait(timeout)
      raise Weft.error(CANCELLED) if cancelled?

      @exception
    end

    # Waits until the task is done or cancelled, at most `timeout` seconds (nil: no limit);
    # true if it is.
    def wait(timeout = nil)
      handle = to_ptr
      out = FFI::MemoryPointer.new(:pointer)
      status = Weft.wait(timeout) { |t| Native.weft_future_result(handle, t, out) }
      status != TIMEOUT
    end

    def cancel
      cancelled = Native.weft_future_cancel(to_ptr)
      dropped if cancelled
      cancelled
    end

    def cancelled? = Native.weft_future_cancelled(to_ptr)

    def running? = Native.weft_future_running(to_ptr)

    def done? = Native.weft_future_done(to_ptr)

    private

    def setup(block, token, pool)
      @block = block
      @token = token
      @pool = pool
    end

    # The task, on the Ruby thread the ffi gem runs the worker's call on: 0 for success.
    def run(token)
      @value = @block.call
      0
    rescue Exception => e # rubocop:disable Lint/RescueException: raised again by #value
      @exception = e
      1
    ensure
      PENDING.delete(token)
    end

    # A cancelled task never runs: forget it.
    def dropped = PENDING.delete(@token)
  end
end
