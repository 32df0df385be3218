# frozen_string_literal: true

module Weft
  # Exit: weft's C library waits for every non-daemon thread when the process exits (in
  # exit()), and its pools run their queued tasks then. By that time Ruby has stopped: it ran
  # its at_exit handlers and killed its threads, the ffi gem's callback runners among them, so
  # a weft thread calling back into Ruby then would wait for ever, and the process with it.
  #
  # So the binding does that wait earlier, in an at_exit handler, while Ruby still runs
  # callbacks: it shuts down the pools made from Ruby (their queued tasks still run), then waits
  # until no non-daemon Weft::Thread or Timer and no pool task submitted from Ruby remains. The
  # wait is cut into slices, so a signal still ends the process. What C's exit-time wait finds
  # afterwards never calls back into Ruby. Exits by a signal (SIGTERM, SIGINT, an uncaught
  # SignalException) do not wait: the process ends by the signal. Daemon threads are abandoned,
  # as in Python (see `quiesce`).
  @exit_waited = false
  @exit_mutex = Mutex.new

  class << self
    # Called when a non-daemon thread starts: after the exit-time wait has run (the thread was
    # started by a later at_exit handler), that wait runs again when the handlers are done.
    def started
      @exit_mutex.synchronize do
        next unless @exit_waited

        @exit_waited = false
        Kernel.at_exit { exit_wait }
      end
    end

    private

    def exit_wait
      wait_for_callbacks unless $!.is_a?(SignalException) # rubocop:disable Style/SpecialGlobalVars
    ensure
      quiesce
      @exit_mutex.synchronize { @exit_waited = true }
    end

    # Shuts the Ruby pools down and waits for the non-daemon threads and the pool tasks that
    # call back into Ruby.
    def wait_for_callbacks
      ThreadPoolExecutor::LIVE.each_key { |pool| pool.shutdown(wait: false) unless pool.closed? }
      loop do
        pending = Thread::BODIES.values.compact.reject(&:daemon?)
        tasks = Future::PENDING.values
        break if pending.empty? && tasks.empty?

        pending.each { |thread| thread.send(:wait_finished) }
        tasks.each(&:wait)
      end
    end

    # What is left are daemon threads. Once Ruby has stopped it frees the ffi gem's description
    # of the callback (its libffi cif), so a weft thread entering a Ruby callback then would
    # crash: daemon Timers not fired yet are cancelled, and daemon threads just started are
    # waited for until their call has reached the ffi gem (where it waits for ever, harmlessly,
    # while the process exits). Barriers are aborted so that no Ruby thread stays blocked in one
    # (a barrier wait is one C call, which Ruby's kill of its threads could not interrupt).
    def quiesce
      Thread::BODIES.values.compact.each do |thread|
        thread.cancel if thread.is_a?(Timer)
        thread.send(:wait_entered)
      end
      Barrier::LIVE.each_key { |barrier| Native.weft_barrier_abort(barrier.to_ptr) unless barrier.closed? }
    end
  end

  Kernel.at_exit { exit_wait }
end
