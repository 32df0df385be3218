# frozen_string_literal: true

module Weft
  # queue.Queue with Ruby's Queue names: `push`/`<<`/`enq`, `pop`/`shift`/`deq`, `size`,
  # `empty?`, `close` (Python 3.13's shutdown), plus Python's `task_done` and `join`.
  #
  # Items are Ruby objects: the weft queue holds a token per item, and a table keeps the object
  # alive until a pop takes it back. A queue made with `raw: true` (or wrapping a queue made by
  # C code, `Queue.wrap(pointer)`) holds integers instead, as C's `void *` items, so Ruby and C
  # can exchange items through it.
  class Queue < Handle
    frees :weft_queue_free
    KIND = 0 # WEFT_QUEUE_FIFO
    ITEMS = Registry.new
    # An immediate shutdown hands the items it removes here, to drop their objects.
    DRAIN = FFI::Function.new(:void, [:pointer, :pointer]) { |item, _| ITEMS.delete(item.address) }

    def initialize(maxsize = 0, raw: false)
      @raw = raw
      create(:weft_queue_new, self.class::KIND, maxsize, nil)
    end

    # Another reference to a queue made elsewhere (by C code, say), holding integers.
    def self.wrap(pointer) = adopt(Native.weft_queue_clone(pointer), true)

    # Puts `item`; with `non_block`, raises Weft::FullError (a ThreadError) if the queue is full,
    # else waits at most `timeout` seconds (nil: no limit) and returns nil if the time ran out
    # (Ruby's SizedQueue#push). Raises Weft::ShutDownError (a ClosedQueueError) once closed.
    def push(item, non_block = false, timeout: nil)
      insert(item, non_block, timeout) { |*args| Native.weft_queue_put(*args) }
    end

    alias << push
    alias enq push

    # Takes an item; with `non_block`, raises Weft::EmptyError (a ThreadError) if there is none,
    # else waits at most `timeout` seconds (nil: no limit) and returns nil if the time ran out.
    # Returns nil once the queue is closed and empty (Ruby's Queue#pop).
    def pop(non_block = false, timeout: nil)
      handle = to_ptr
      out = FFI::MemoryPointer.new(:pointer)
      status = if non_block
                 Native.weft_queue_get(handle, false, 0.0, out)
               else
                 Weft.wait(timeout, timed_out: EMPTY) { |t| Native.weft_queue_get(handle, true, t, out) }
               end
      return nil if status == SHUT_DOWN || (status == EMPTY && !non_block)

      Weft.check(status)
      token = out.read_pointer.address
      @raw ? token : ITEMS.delete(token)
    end

    alias shift pop
    alias deq pop

    def size = Native.weft_queue_qsize(to_ptr)

    alias length size

    def empty? = Native.weft_queue_empty(to_ptr)

    def full? = Native.weft_queue_full(to_ptr)

    def task_done = Weft.check(Native.weft_queue_task_done(to_ptr))

    # Waits until every item put has been marked done, at most `timeout` seconds (nil: no
    # limit); true unless the time ran out.
    def join(timeout = nil)
      handle = to_ptr
      Weft.outcome(Weft.wait(timeout) { |t| Native.weft_queue_join(handle, t) })
    end

    # Python 3.13's shutdown: pushes raise from now on; pops take the items left, then return
    # nil. With `immediate`, the items left are dropped now.
    def shutdown(immediate: false)
      Weft.check(Native.weft_queue_shutdown(to_ptr, immediate, @raw ? nil : DRAIN, nil))
      self
    end

    # Ruby's Queue#close: shutdown without dropping the items. (Queue#free releases the
    # handle, which #close does for the other classes.)
    def close = shutdown

    def closed? = Native.weft_queue_is_shutdown(to_ptr)

    private

    def adopted(raw) = @raw = raw

    # Puts `item` with `yield(handle, pointer, block, seconds)`, a weft_queue_put call.
    def insert(item, non_block, timeout)
      handle = to_ptr
      token = @raw ? Integer(item) : ITEMS.add(item)
      pointer = FFI::Pointer.new(token)
      status = if non_block
                 yield(handle, pointer, false, 0.0)
               else
                 Weft.wait(timeout, timed_out: FULL) { |t| yield(handle, pointer, true, t) }
               end
      ITEMS.delete(token) unless @raw || status == OK
      return nil if status == FULL && !non_block

      Weft.check(status)
      self
    end
  end

  # queue.LifoQueue.
  class LifoQueue < Queue
    KIND = 1
  end

  # queue.PriorityQueue: the lowest `priority:` first (an integer, 0 by default), first in,
  # first out among equal priorities.
  class PriorityQueue < Queue
    KIND = 2

    def push(item, non_block = false, timeout: nil, priority: 0)
      insert(item, non_block, timeout) do |handle, pointer, block, t|
        Native.weft_queue_put_priority(handle, pointer, priority, block, t)
      end
    end
  end

  # queue.SimpleQueue: unbounded, without task tracking.
  class SimpleQueue < Queue
    KIND = 3

    def initialize(raw: false) = super(0, raw: raw)
  end
end
