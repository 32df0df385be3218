# frozen_string_literal: true

require_relative "helper"
require "tmpdir"

# C creates a lock and a queue; Ruby uses the same handles; each sees the other's effects.
class TestCrossLanguage < Minitest::Test
  def self.shared_library
    @shared_library ||= begin
      dir = Dir.mktmpdir("weft-ruby")
      path = File.join(dir, "libshared.so")
      library = Weft::Native.ffi_libraries.first.name
      repo = File.expand_path("../../..", __dir__)
      source = File.join(repo, "c-tests", "cross_language.c")
      ok = system("cc", "-shared", "-fPIC", "-o", path, source, "-I", File.join(repo, "include"),
                  library, "-Wl,-rpath,#{File.dirname(library)}")
      raise "could not build the C helper" unless ok

      path
    end
  end

  module Shared
    extend FFI::Library
    ffi_lib TestCrossLanguage.shared_library
    attach_function :shared_new, %i[pointer pointer], :int
    attach_function :shared_try_lock, [:pointer], :int
    attach_function :shared_get, [:pointer], :intptr_t, blocking: true
    attach_function :shared_start, %i[pointer pointer pointer], :int
  end

  def test_c_and_ruby_share_a_lock_and_a_queue
    lock_out = FFI::MemoryPointer.new(:pointer)
    queue_out = FFI::MemoryPointer.new(:pointer)
    assert_equal 0, Shared.shared_new(lock_out, queue_out)
    lock = Weft::Lock.wrap(lock_out.read_pointer)
    queue = Weft::Queue.wrap(queue_out.read_pointer)

    lock.lock
    assert_equal 0, Shared.shared_try_lock(lock.to_ptr) # C sees Ruby's lock held
    queue << 7
    assert_equal 7, Shared.shared_get(queue.to_ptr)     # C gets what Ruby put

    thread_out = FFI::MemoryPointer.new(:pointer)
    assert_equal 0, Shared.shared_start(lock.to_ptr, queue.to_ptr, thread_out)
    thread = Weft::Thread.adopt(thread_out.read_pointer)
    assert_nil queue.pop(timeout: 0.1)                  # C waits for the lock Ruby holds
    lock.unlock
    assert_equal 42, queue.pop(timeout: 5)              # Ruby gets what C put once it had the lock
    assert thread.join(5)
    refute lock.locked?
    assert_equal 1, Shared.shared_try_lock(lock.to_ptr)
    # C's own references (from shared_new) are the test's to drop.
    Weft::Native.weft_lock_free(lock_out.read_pointer)
    Weft::Native.weft_queue_free(queue_out.read_pointer)
  end
end
