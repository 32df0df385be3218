# frozen_string_literal: true

require_relative "helper"

# Every way out of Ruby, with daemon and non-daemon weft threads calling back into Ruby (their
# blocks) or not (threads C runs), ends in bounded time with the documented output.
class TestExit < Minitest::Test
  include Helper

  # A non-daemon thread whose block is still running when main ends: waited for, its output
  # printed after main's.
  NON_DAEMON = 'Weft::Thread.new { sleep 0.3; puts "thread done" }; puts "ready"; $stdout.flush; '
  # A daemon thread still running: abandoned, never prints.
  DAEMON = 'Weft::Thread.new(daemon: true) { sleep 0.3; puts "daemon done" }; ' \
           'Weft::Thread.new(daemon: true) { loop { Weft::Event.new.wait(0.01) } }; '

  def assert_waited(out, status, code)
    assert_equal "ready\nthread done\n", out
    assert_equal code, status.exitstatus
  end

  def test_natural_end_waits_for_non_daemon
    out, _, status = run_ruby(NON_DAEMON)
    assert_waited(out, status, 0)
  end

  def test_exit_waits_for_non_daemon
    out, _, status = run_ruby("#{NON_DAEMON} exit 3")
    assert_waited(out, status, 3)
  end

  def test_uncaught_exception_waits_then_fails
    out, err, status = run_ruby("#{NON_DAEMON} raise 'oops'")
    assert_waited(out, status, 1)
    assert_match(/oops \(RuntimeError\)/, err)
  end

  def test_exit_bang_does_not_wait
    out, _, status = run_ruby("#{NON_DAEMON} exit!(4)")
    assert_equal "ready\n", out
    assert_equal 4, status.exitstatus
  end

  def test_daemon_threads_are_abandoned
    %w[puts exit raise exit!].each do |how|
      ending = { "puts" => 'puts "main"', "exit" => 'puts "main"; exit 0', "raise" => 'puts "main"; raise "x"',
                 "exit!" => 'puts "main"; $stdout.flush; exit!(0)' }.fetch(how)
      out, _, status = run_ruby("#{DAEMON} #{ending}", limit: 5)
      assert_equal "main\n", out, how
      assert_equal(how == "raise" ? 1 : 0, status.exitstatus, how)
    end
  end

  def test_sigterm_ends_the_wait
    # A non-daemon thread that never ends: main waits for it at exit, SIGTERM ends the process.
    script = 'Weft::Thread.new { loop { Weft::Event.new.wait(0.01) } }; puts "ready"; $stdout.flush'
    out, _, status = run_ruby(script, signal: :TERM, limit: 5)
    assert_equal "ready\n", out
    assert_equal Signal.list["TERM"], status.termsig
  end

  def test_sigterm_while_main_blocks_in_weft
    script = 'Weft::Thread.new { loop { Weft::Event.new.wait(0.01) } }; puts "ready"; $stdout.flush; ' \
             "Weft::Event.new.wait"
    out, _, status = run_ruby(script, signal: :TERM, limit: 5)
    assert_equal "ready\n", out
    assert_equal Signal.list["TERM"], status.termsig
  end

  def test_ruby_thread_blocked_in_weft_does_not_hang_exit
    # Ruby kills its threads at exit; one blocked in a weft wait notices within a slice.
    script = 'Thread.new { Weft::Lock.new.tap(&:lock).lock }; Thread.new { Weft::Queue.new.pop }; ' \
             'b = Weft::Barrier.new(2); Thread.new { b.wait }; sleep 0.1; puts "main"'
    out, _, status = run_ruby(script, limit: 5)
    assert_equal "main\n", out
    assert_equal 0, status.exitstatus
  end

  def test_pool_tasks_run_before_exit
    script = 'pool = Weft::ThreadPoolExecutor.new(max_workers: 1); ' \
             '3.times { |i| pool.submit { sleep 0.05; puts "task #{i}" } }; puts "main"'
    out, _, status = run_ruby(script)
    assert_equal "main\ntask 0\ntask 1\ntask 2\n", out
    assert_equal 0, status.exitstatus
  end

  def test_thread_started_by_a_later_at_exit_handler_is_waited_for
    # This handler is registered after weft's, so it runs first... and one registered before
    # `require "weft"` runs after: both start a non-daemon thread.
    script = 'at_exit { Weft::Thread.new { sleep 0.1; puts "late" } }; puts "main"'
    out, _, status = run_ruby(script)
    assert_equal "main\nlate\n", out
    assert_equal 0, status.exitstatus
    out, _, status = Open3.capture3(RbConfig.ruby, "-I", LIB, "-e",
                                    'at_exit { Weft::Thread.new { sleep 0.1; puts "later" } }; ' \
                                    'require "weft"; puts "main"')
    assert_equal "main\nlater\n", out
    assert_equal 0, status.exitstatus
  end

  def test_daemon_callback_after_ruby_stopped_neither_hangs_nor_crashes
    # A daemon Timer fires while C's own exit-time wait runs (for a C thread sleeping 0.5 s),
    # after Ruby has stopped: its block cannot run, and the process still exits, cleanly.
    script = <<~RUBY
      usleep = FFI::DynamicLibrary.open("libc.so.6", FFI::DynamicLibrary::RTLD_LAZY).find_function("usleep")
      out = FFI::MemoryPointer.new(:pointer)
      # A thread of C's own, not a daemon: its body is libc's usleep(500000), no Ruby in it.
      Weft.check(Weft::Native.weft_thread_new_named(usleep, FFI::Pointer.new(500_000), nil, "sleeper", out))
      Weft.check(Weft::Native.weft_thread_start(out.read_pointer))
      Weft::Timer.new(0.2, daemon: true) { puts "too late" }
      puts "main"
    RUBY
    started = Weft.now
    out, err, status = run_ruby(script, limit: 5)
    assert_equal "main\n", out
    assert_equal "", err
    assert_equal 0, status.exitstatus
    assert_operator Weft.now - started, :>=, 0.5 # C waited for its thread, the timer fired meanwhile
  end
end
