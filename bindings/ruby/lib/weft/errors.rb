# frozen_string_literal: true

require "timeout"

module Weft
  # Mixed into every exception weft raises, so `rescue Weft::Error` catches them all; each
  # carries the C status (`#status`) and the library's message for it, which is CPython's
  # where CPython raises for the same misuse ("release unlocked lock").
  module Error
    attr_reader :status
  end

  # weft_status values, in value order (append-only in the C ABI).
  STATUSES = %i[ok timeout null_argument wrong_handle panic invalid_argument invalid_utf8
                invalid_timeout timeout_too_large nonblocking_timeout overflow release_unlocked
                not_owner already_started not_started join_current daemon_after_start
                cant_start_thread stack_size wrong_state wait_unacquired notify_unacquired
                semaphore_negative release_count semaphore_over_release broken_barrier
                barrier_parties empty full shut_down task_done_too_many pool_shut_down
                pool_broken cancelled task_failed max_workers interrupted deadlock
                invalid_state_finished invalid_state_cancelled forked].freeze
  STATUSES.each_with_index { |name, value| const_set(name.upcase, value) }

  # Ruby's base class for each status, after Ruby's own conventions: misusing a lock or a
  # thread is a ThreadError (as Mutex#unlock and Thread#join raise), so are an empty or full
  # queue in a non-blocking pop/push (as Queue and SizedQueue raise); a shut-down queue is a
  # ClosedQueueError; a bad value an ArgumentError, an out-of-range one a RangeError.
  BASES = {
    timeout: Timeout::Error,
    null_argument: ArgumentError, wrong_handle: ArgumentError, panic: RuntimeError,
    invalid_argument: ArgumentError, invalid_utf8: ArgumentError, invalid_timeout: ArgumentError,
    timeout_too_large: RangeError, nonblocking_timeout: ArgumentError, overflow: RangeError,
    release_unlocked: ThreadError, not_owner: ThreadError, already_started: ThreadError,
    not_started: ThreadError, join_current: ThreadError, daemon_after_start: ThreadError,
    cant_start_thread: ThreadError, stack_size: ArgumentError, wrong_state: ThreadError,
    wait_unacquired: ThreadError, notify_unacquired: ThreadError,
    semaphore_negative: ArgumentError, release_count: ArgumentError,
    semaphore_over_release: ThreadError, broken_barrier: StandardError,
    barrier_parties: ArgumentError, empty: ThreadError, full: ThreadError,
    shut_down: ClosedQueueError, task_done_too_many: ThreadError,
    pool_shut_down: RuntimeError, pool_broken: RuntimeError, cancelled: StandardError,
    task_failed: RuntimeError, max_workers: ArgumentError, interrupted: Interrupt,
    deadlock: ThreadError, invalid_state_finished: RuntimeError,
    invalid_state_cancelled: RuntimeError, forked: RuntimeError
  }.freeze

  # One class per status: Weft::TimeoutError, Weft::ReleaseUnlockedError, Weft::EmptyError, ...
  ERRORS = BASES.to_h do |name, base|
    klass = Class.new(base) { include Error }
    const_set("#{name.to_s.split("_").map(&:capitalize).join}Error", klass)
    [Weft.const_get(name.upcase), klass]
  end.freeze

  # The exception for `status`, with the library's message for it.
  def self.error(status)
    error = (ERRORS[status] || ERRORS.fetch(PANIC)).new(Native.weft_status_str(status))
    error.instance_variable_set(:@status, status)
    error
  end

  # A call's outcome: false for TIMEOUT (Python's False from acquire/wait), true for OK;
  # raises for any other status.
  def self.outcome(status)
    return false if status == TIMEOUT

    check(status)
    true
  end

  # Raises the exception for `status` unless it is OK.
  def self.check(status)
    raise error(status) unless status == OK
  end
end
