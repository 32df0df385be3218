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
  # SignalException) do not wait: the process ends by the signal. The handler also aborts every
  # Barrier left, so that no Ruby thread stays blocked in one while Ruby kills its threads.
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
      return if $!.is_a?(SignalException) # rubocop:disable Style/SpecialGlobalVars

      ThreadPoolExecutor::LIVE.each_key { |pool| pool.shutdown(wait: false) unless pool.closed? }
      loop do
        pending = Thread::BODIES.values.compact.reject { |t| t.instance_variable_get(:@daemon) }
        tasks = Future::PENDING.values
        break if pending.empty? && tasks.empty?

        pending.each { |thread| thread.send(:wait_finished) }
        tasks.each { |future| future.wait }
      end
      Barrier::LIVE.each_key { |barrier| Native.weft_barrier_abort(barrier.to_ptr) unless barrier.closed? }
    ensure
      @exit_mutex.synchronize { @exit_waited = true }
    end
  end

  Kernel.at_exit { exit_wait }
end
