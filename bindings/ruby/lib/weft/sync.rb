# frozen_string_literal: true

module Weft
  # What locks, conditions and semaphores share: Python's acquire, and synchronize.
  module Acquirable
    # Python's acquire(blocking=True, timeout=-1): true once acquired, false if `timeout`
    # (seconds; nil: no limit) passed first or, with `blocking` false, it is taken.
    def acquire(blocking = true, timeout: nil)
      acquire_fn = self.class::ACQUIRE
      handle = to_ptr
      unless blocking
        raise Weft.error(NONBLOCKING_TIMEOUT) unless timeout.nil?

        return Weft.outcome(Native.public_send(acquire_fn, handle, false, Native::TIMEOUT_FOREVER))
      end
      Weft.outcome(Weft.wait(timeout) { |t| Native.public_send(acquire_fn, handle, true, t) })
    end

    # Holds it while the block runs (released even if it raises); returns the block's value.
    def synchronize
      acquire
      begin
        yield
      ensure
        release
      end
    end
  end

  # What Lock and RLock add, with Ruby's Mutex names: `lock`, `unlock`, `try_lock`, `locked?`.
  module Lockable
    include Acquirable

    def lock
      acquire
      self
    end

    def try_lock = acquire(false)

    def release
      Weft.check(Native.public_send(self.class::RELEASE, to_ptr))
      nil
    end

    def unlock
      release
      self
    end

    def locked? = Native.public_send(self.class::LOCKED, to_ptr)
  end

  # threading.Lock: not reentrant, releasable by any thread.
  class Lock < Handle
    include Lockable
    frees :weft_lock_free
    ACQUIRE, RELEASE, LOCKED = %i[weft_lock_acquire weft_lock_release weft_lock_locked].freeze

    def initialize = create(:weft_lock_new)

    # Another reference to a lock made elsewhere (by C code, say): `pointer` is borrowed.
    def self.wrap(pointer) = adopt(Native.weft_lock_clone(pointer))
  end

  # threading.RLock: reentrant, released only by its owner, as many times as acquired.
  class RLock < Handle
    include Lockable
    frees :weft_rlock_free
    ACQUIRE, RELEASE, LOCKED = %i[weft_rlock_acquire weft_rlock_release weft_rlock_locked].freeze

    def initialize = create(:weft_rlock_new)

    def owned? = Native.weft_rlock_is_owned(to_ptr)
  end

  # threading.Condition, over a Lock or an RLock (a new RLock by default), with Ruby's
  # ConditionVariable names (`signal`, `broadcast`) beside Python's (`notify`, `notify_all`).
  class Condition < Handle
    include Lockable
    frees :weft_condition_free
    ACQUIRE, RELEASE = %i[weft_condition_acquire weft_condition_release].freeze

    attr_reader :lock_object

    def initialize(lock = RLock.new)
      @lock_object = lock # kept alive as long as the condition
      @notifies = 0
      case lock
      when Lock then create(:weft_condition_new_with_lock, lock.to_ptr)
      when RLock then create(:weft_condition_new_with_rlock, lock.to_ptr)
      else raise TypeError, "a Weft::Lock or Weft::RLock is needed, not #{lock.class}"
      end
    end

    def locked? = @lock_object.locked?

    # Releases the lock, waits for a notification or `timeout` seconds (nil: no limit), takes
    # the lock again; true unless the time ran out. A notification made through this object
    # between two slices of the wait ends it too, so it may wake without one, as any
    # condition wait may.
    def wait(timeout = nil)
      handle = to_ptr
      seen = @notifies
      status = Weft.wait(timeout, missed: -> { @notifies != seen }) do |t|
        Native.weft_condition_wait(handle, t)
      end
      Weft.outcome(status)
    end

    # Waits until the block returns a true value, at most `timeout` seconds in all; returns
    # the block's last value. Python's wait_for.
    def wait_for(timeout = nil)
      deadline = timeout && Weft.now + timeout
      result = yield
      until result
        remaining = deadline && deadline - Weft.now
        break if remaining && remaining <= 0

        wait(remaining)
        result = yield
      end
      result
    end

    def notify(n = 1)
      Weft.check(Native.weft_condition_notify(to_ptr, n))
      @notifies += 1
      nil
    end

    def notify_all
      Weft.check(Native.weft_condition_notify_all(to_ptr))
      @notifies += 1
      nil
    end

    alias signal notify
    alias broadcast notify_all
  end

  # threading.Event.
  class Event < Handle
    frees :weft_event_free

    def initialize = create(:weft_event_new)

    def set
      Weft.check(Native.weft_event_set(to_ptr))
      self
    end

    def clear
      Weft.check(Native.weft_event_clear(to_ptr))
      self
    end

    def set? = Native.weft_event_is_set(to_ptr)

    # Waits until the flag is set, at most `timeout` seconds (nil: no limit); returns the flag.
    def wait(timeout = nil)
      handle = to_ptr
      Weft.outcome(Weft.wait(timeout) { |t| Native.weft_event_wait(handle, t) })
    end
  end

  # threading.Semaphore.
  class Semaphore < Handle
    include Acquirable
    frees :weft_semaphore_free
    ACQUIRE = :weft_semaphore_acquire

    def initialize(value = 1) = create(:weft_semaphore_new, value)

    def release(n = 1)
      Weft.check(Native.weft_semaphore_release(to_ptr, n))
      nil
    end
  end

  # threading.BoundedSemaphore: releasing above the initial value raises.
  class BoundedSemaphore < Semaphore
    def initialize(value = 1) = create(:weft_bounded_semaphore_new, value) # rubocop:disable Lint/MissingSuper
  end

  # threading.Barrier. Its action (the block) runs in the last thread to arrive; if it raises,
  # the barrier breaks and that thread's #wait raises the action's exception.
  class Barrier < Handle
    frees :weft_barrier_free

    # Barriers alive, aborted at exit so that no Ruby thread stays blocked in one (see Weft.at_exit).
    LIVE = ObjectSpace::WeakMap.new
    ACTIONS = Registry.new
    ACTION = FFI::Function.new(:void, [:pointer]) do |token|
      action, barrier = ACTIONS[token.address]
      begin
        action.call
      rescue Exception => e # rubocop:disable Lint/RescueException: raised again by #wait
        ::Thread.current[:weft_barrier_error] = e
        Native.weft_barrier_abort(barrier)
      end
    end
    ACTION.autorelease = false

    def initialize(parties, timeout: nil, &action)
      seconds = Weft.seconds(timeout)
      if action
        entry = [action, nil]
        @token = ACTIONS.add(entry)
        begin
          create(:weft_barrier_new, parties, ACTION, FFI::Pointer.new(@token), nil, seconds)
        rescue StandardError
          ACTIONS.delete(@token)
          raise
        end
        entry[1] = to_ptr
        ObjectSpace.undefine_finalizer(self)
        ObjectSpace.define_finalizer(self, Barrier.releaser(to_ptr, @token))
      else
        create(:weft_barrier_new, parties, nil, nil, nil, seconds)
      end
      LIVE[self] = true
    end

    def self.releaser(pointer, token)
      proc do
        Native.weft_barrier_free(pointer)
        ACTIONS.delete(token)
      end
    end

    def free
      token = @token
      super
      ACTIONS.delete(token) if token
    end

    # Waits for the other parties, at most `timeout` seconds (nil: the barrier's default);
    # returns this thread's index, 0 to parties - 1. Raises Weft::BrokenBarrierError if the
    # barrier breaks (or the wait times out, which breaks it). The wait is one C call: a
    # timeout breaks a barrier, so it cannot be cut into slices.
    def wait(timeout = nil)
      index = FFI::MemoryPointer.new(:size_t)
      seconds = timeout.nil? ? Native::TIMEOUT_FOREVER : Weft.seconds(timeout)
      status = Native.weft_barrier_wait(to_ptr, seconds, index)
      error = ::Thread.current[:weft_barrier_error]
      if error
        ::Thread.current[:weft_barrier_error] = nil
        raise error
      end
      Weft.check(status)
      index.read(:size_t)
    end

    def reset = Weft.check(Native.weft_barrier_reset(to_ptr))

    def abort = Weft.check(Native.weft_barrier_abort(to_ptr))

    def broken? = Native.weft_barrier_broken(to_ptr)

    def n_waiting = Native.weft_barrier_n_waiting(to_ptr)

    def parties = Native.weft_barrier_parties(to_ptr)
  end
end
