# frozen_string_literal: true

require_relative "helper"

# Each example of bindings/ruby/examples, run as a program, its output checked as
# tests/cprog/checks.rs checks the C ones: exact where it is deterministic, as a multiset of
# lines where only the order varies.
class TestExamples < Minitest::Test
  include Helper
  EXAMPLES = File.expand_path("../examples", __dir__)

  EXACT = {
    "threading_lock" => "Counter: 15\n",
    "threading_lock_reacquire" => "First try: true\nSecond try: false\nRLock first try: true\nRLock second try: true\n",
    "threading_event" => "wait_for_event_timeout: event set: false\nmain: setting event\nwait_for_event: event set: true\n",
    "threading_semaphore" => "most active at once: 2\n",
    "barrier" => "all arrived\nworkers: 0, 1, 2\n",
    "threading_timer" => "Main thread done\nt1 fired\n",
    "notes_pool" => "squares: 0 1 4 9 16\n",
    "threading_condition" => nil # checked below
  }.freeze
  ANY_ORDER = {
    "threading_simpleargs" => (0..4).map { |i| "Worker: #{i}" },
    "notes_producer_consumer" => (0..4).map { |i| "consumed item #{i}" } + ["all consumed"],
    "threading_daemon" => ["daemon Starting", "non-daemon Starting", "non-daemon Exiting"]
  }.freeze

  def run_example(name)
    out, err, status = run_ruby(File.read(File.join(EXAMPLES, "#{name}.rb")))
    assert status.success?, "#{name}: #{err}"
    out
  end

  def test_every_example_is_checked
    assert_equal (EXACT.keys + ANY_ORDER.keys).sort, Dir.children(EXAMPLES).map { |f| File.basename(f, ".rb") }.sort
  end

  EXACT.each do |name, expected|
    next unless expected

    define_method("test_#{name}") { assert_equal expected, run_example(name) }
  end

  ANY_ORDER.each do |name, lines|
    define_method("test_#{name}") { assert_equal lines.sort, run_example(name).lines(chomp: true).sort }
  end

  def test_threading_condition
    lines = run_example("threading_condition").lines(chomp: true)
    assert_equal "p: making resource available", lines.first
    assert_equal ["c1: resource is available to consumer", "c2: resource is available to consumer"], lines.drop(1).sort
  end
end
