# frozen_string_literal: true

require_relative "helper"

class TestPrimitives < Minitest::Test
  def test_lock
    lock = Weft::Lock.new
    assert lock.try_lock
    assert lock.locked?
    refute lock.try_lock
    refute lock.acquire(timeout: 0.05)
    other = Weft::Thread.new { lock.try_lock }
    refute other.value # held by this thread: another cannot take it
    lock.unlock
    refute lock.locked?
    error = assert_raises(Weft::ReleaseUnlockedError) { lock.unlock }
    assert_kind_of ThreadError, error
    assert_kind_of Weft::Error, error
    assert_equal Weft::RELEASE_UNLOCKED, error.status
    assert_equal "release unlocked lock", error.message
    assert_raises(Weft::NonblockingTimeoutError) { lock.acquire(false, timeout: 1) }
    assert_raises(Weft::InvalidTimeoutError) { lock.acquire(timeout: -2) }
    assert_raises(Weft::TimeoutTooLargeError) { lock.acquire(timeout: Float::INFINITY) }
    assert_equal 42, lock.synchronize { 42 }
    assert_raises(RuntimeError) { lock.synchronize { raise "x" } }
    refute lock.locked?
  end

  def test_lock_counts_under_contention
    lock = Weft::Lock.new
    count = 0
    threads = 4.times.map { Weft::Thread.new { 500.times { lock.synchronize { count += 1 } } } }
    threads.each(&:join)
    assert_equal 2000, count
  end

  def test_rlock
    rlock = Weft::RLock.new
    rlock.lock
    assert rlock.try_lock
    assert rlock.owned?
    error = Weft::Thread.new { rlock.release rescue $! }.value
    assert_kind_of Weft::NotOwnerError, error
    2.times { rlock.unlock }
    refute rlock.locked?
  end

  def test_condition
    cond = Weft::Condition.new(Weft::Lock.new)
    items = []
    consumer = Weft::Thread.new do
      cond.synchronize { cond.wait_for(5) { items.any? } && items.first }
    end
    cond.synchronize do
      items << :item
      cond.notify_all
    end
    assert_equal :item, consumer.value
    cond.synchronize { refute cond.wait(0.02) }
    assert_raises(Weft::WaitUnacquiredError) { cond.wait(0) }
    assert_raises(Weft::NotifyUnacquiredError) { cond.signal }
  end

  def test_event_semaphore
    event = Weft::Event.new
    refute event.wait(0.01)
    Weft::Timer.new(0.02) { event.set }
    assert event.wait(5)
    assert event.set?
    sem = Weft::BoundedSemaphore.new(2)
    assert sem.acquire
    assert sem.acquire
    refute sem.acquire(false)
    refute sem.acquire(timeout: 0.01)
    sem.release(2)
    assert_raises(Weft::SemaphoreOverReleaseError) { sem.release }
    assert_raises(Weft::SemaphoreNegativeError) { Weft::Semaphore.new(-1) }
  end

  def test_barrier
    ran = Weft::Queue.new
    barrier = Weft::Barrier.new(3) { ran << :action }
    indexes = 3.times.map { Weft::Thread.new { barrier.wait } }.map(&:value)
    assert_equal [0, 1, 2], indexes.sort
    assert_equal :action, ran.pop(true)
    assert_equal 3, barrier.parties
    assert_raises(Weft::BrokenBarrierError) { barrier.wait(0.01) }
    assert barrier.broken?
    failing = Weft::Barrier.new(1) { raise ArgumentError, "from the action" }
    assert_raises(ArgumentError) { failing.wait }
    assert failing.broken?
  end

  def test_thread
    thread = Weft::Thread.new(name: "worker", start: false) { Weft::Thread.current.name }
    refute thread.alive?
    assert_raises(Weft::NotStartedError) { thread.join }
    thread.start
    assert_raises(Weft::AlreadyStartedError) { thread.start }
    assert_equal "worker", thread.value
    refute thread.daemon?
    assert_equal Weft::Thread.new(daemon: true) { Weft::Thread.new { 1 }.daemon? }.value, true
    slow = Weft::Thread.new { Weft::Event.new.wait(0.3) }
    assert_nil slow.join(0.01)
    assert slow.alive?
    assert_same slow, slow.join
    failing = Weft::Thread.new { raise IOError, "in the thread" }
    failing.report_on_exception = false
    assert_raises(IOError) { failing.join }
    assert Weft::Thread.main == Weft::Thread.current
    assert_raises(Weft::JoinCurrentError) { Weft::Thread.current.join }
    timer = Weft::Timer.new(5) { :never }
    timer.cancel
    assert_nil timer.join.value
  end

  def test_queue
    queue = Weft::Queue.new(2)
    item = Object.new
    queue << item << "two"
    assert queue.full?
    assert_raises(Weft::FullError) { queue.push(3, true) }
    assert_nil queue.push(3, timeout: 0.01)
    assert_same item, queue.pop
    assert_equal "two", queue.shift
    assert_raises(Weft::EmptyError) { queue.pop(true) }
    assert_nil queue.pop(timeout: 0.01)
    producer = Weft::Thread.new { 100.times { |i| queue.push([i]) } }
    assert_equal (0...100).map { |i| [i] }, 100.times.map { queue.pop }
    producer.join
    queue.push(:last)
    queue.close
    assert_raises(Weft::ShutDownError) { queue.push(1) }
    assert_equal :last, queue.pop
    assert_nil queue.pop
    lifo = Weft::LifoQueue.new
    [1, 2, 3].each { |i| lifo << i }
    assert_equal [3, 2, 1], 3.times.map { lifo.pop }
    prio = Weft::PriorityQueue.new
    prio.push(:low, priority: 5)
    prio.push(:high, priority: -1)
    assert_equal %i[high low], 2.times.map { prio.pop }
    tasks = Weft::Queue.new
    tasks << 1
    refute tasks.join(0.01)
    tasks.pop
    tasks.task_done
    assert tasks.join(1)
  end

  def test_pool
    Weft::ThreadPoolExecutor.open(max_workers: 2) do |pool|
      assert_equal 2, pool.max_workers
      futures = 10.times.map { |i| pool.submit { i * i } }
      assert_equal (0...10).map { |i| i * i }, futures.map(&:value)
      failing = pool.submit { raise KeyError, "task" }
      assert_raises(KeyError) { failing.value }
      assert_kind_of KeyError, failing.exception
      gate = Weft::Event.new
      slow = pool.submit { gate.wait(5) }
      assert_raises(Weft::TimeoutError) { slow.value(0.01) }
      gate.set
      assert slow.value
    end
  end

  def test_closed_object
    lock = Weft::Lock.new
    lock.close
    assert lock.closed?
    assert_raises(IOError) { lock.lock }
    assert_nil lock.close
  end

  def test_timeout_interrupts_a_wait
    # Ruby's Timeout raises into a thread blocked in weft: the wait is cut into slices.
    lock = Weft::Lock.new
    lock.lock
    assert_raises(Timeout::Error) { Timeout.timeout(0.1) { lock.lock } }
  end
end
