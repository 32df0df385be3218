# frozen_string_literal: true

require "ffi"

module Weft
  # The C ABI of libweft (include/weft.h) through the ffi gem: finding and checking the library,
  # and the functions, each attached once. Every function that may block is attached with
  # `blocking: true`, so Ruby's GVL is released for the call and other Ruby threads (the
  # callbacks of weft threads among them) run meanwhile.
  module Native
    extend FFI::Library

    # The library version this binding is written against (include/weft.h's WEFT_VERSION_*).
    VERSION = [0, 1, 0].freeze
    VERSION_NUMBER = VERSION[0] * 10_000 + VERSION[1] * 100 + VERSION[2]
    TIMEOUT_FOREVER = -1.0
    TIMEOUT_MAX = 9_223_372_036.0

    # (where, path) pairs in search order: WEFT_LIBRARY alone when set, else the repository's
    # target/release and target/debug builds, then the system's libweft.so.0.
    def self.candidates
      explicit = ENV["WEFT_LIBRARY"]
      return [["WEFT_LIBRARY", explicit]] if explicit && !explicit.empty?

      repo = File.expand_path("../../../..", __dir__)
      target = ENV["CARGO_TARGET_DIR"] || File.join(repo, "target")
      [["the repository's target/release", File.join(target, "release", "libweft.so")],
       ["the repository's target/debug", File.join(target, "debug", "libweft.so")],
       ["the system", "libweft.so.0"]]
    end

    def self.load_library
      tried = []
      tried << "WEFT_LIBRARY: not set" unless ENV["WEFT_LIBRARY"] && !ENV["WEFT_LIBRARY"].empty?
      candidates.each do |where, path|
        if path.include?("/") && !File.file?(path)
          tried << "#{where}: #{path} does not exist"
          next
        end
        begin
          lib = FFI::DynamicLibrary.open(path, FFI::DynamicLibrary::RTLD_LAZY | FFI::DynamicLibrary::RTLD_GLOBAL)
        rescue LoadError => e
          tried << "#{where}: #{path}: #{e.message.lines.first.strip}"
          next
        end
        unless lib.find_function("weft_version_number")
          tried << "#{where}: #{path}: not a weft library (no weft_version_number)"
          next
        end
        return path
      end
      raise LoadError, "weft: no usable libweft.so. Looked for:\n  #{tried.join("\n  ")}\n" \
                       "Build it with `cargo capi --release` in the weft repository, install it " \
                       "(`make install`), or set WEFT_LIBRARY to its path."
    end

    ffi_lib load_library

    typedef :pointer, :handle
    typedef :int, :status
    callback :thread_fn, [:pointer], :pointer
    callback :barrier_action_fn, [:pointer], :void
    callback :task_fn, [:pointer, :pointer], :int
    callback :queue_item_fn, [:pointer, :pointer], :void

    # name => [argument types, result type]; BLOCKING lists those that may wait.
    NONBLOCKING = {
      weft_status_str: [[:int], :string],
      weft_version_number: [[], :uint32],
      weft_version_string: [[], :string],
      weft_lock_new: [[:pointer], :status],
      weft_lock_clone: [[:handle], :handle],
      weft_lock_free: [[:handle], :void],
      weft_lock_release: [[:handle], :status],
      weft_lock_locked: [[:handle], :bool],
      weft_rlock_new: [[:pointer], :status],
      weft_rlock_clone: [[:handle], :handle],
      weft_rlock_free: [[:handle], :void],
      weft_rlock_release: [[:handle], :status],
      weft_rlock_locked: [[:handle], :bool],
      weft_rlock_is_owned: [[:handle], :bool],
      weft_condition_new: [[:pointer], :status],
      weft_condition_new_with_lock: [[:handle, :pointer], :status],
      weft_condition_new_with_rlock: [[:handle, :pointer], :status],
      weft_condition_free: [[:handle], :void],
      weft_condition_release: [[:handle], :status],
      weft_condition_notify: [[:handle, :size_t], :status],
      weft_condition_notify_all: [[:handle], :status],
      weft_semaphore_new: [[:int64, :pointer], :status],
      weft_bounded_semaphore_new: [[:int64, :pointer], :status],
      weft_semaphore_free: [[:handle], :void],
      weft_semaphore_release: [[:handle, :size_t], :status],
      weft_event_new: [[:pointer], :status],
      weft_event_free: [[:handle], :void],
      weft_event_set: [[:handle], :status],
      weft_event_clear: [[:handle], :status],
      weft_event_is_set: [[:handle], :bool],
      weft_barrier_new: [[:size_t, :barrier_action_fn, :pointer, :pointer, :double, :pointer], :status],
      weft_barrier_free: [[:handle], :void],
      weft_barrier_reset: [[:handle], :status],
      weft_barrier_abort: [[:handle], :status],
      weft_barrier_broken: [[:handle], :bool],
      weft_barrier_n_waiting: [[:handle], :size_t],
      weft_barrier_parties: [[:handle], :size_t],
      weft_thread_new_named: [[:thread_fn, :pointer, :pointer, :string, :pointer], :status],
      weft_thread_clone: [[:handle], :handle],
      weft_thread_free: [[:handle], :void],
      weft_thread_start: [[:handle], :status],
      weft_thread_is: [[:handle, :handle], :bool],
      weft_thread_is_alive: [[:handle], :bool],
      weft_thread_get_name: [[:handle, :pointer, :size_t, :pointer], :status],
      weft_thread_set_name: [[:handle, :string], :status],
      weft_thread_is_daemon: [[:handle], :bool],
      weft_thread_set_daemon: [[:handle, :bool], :status],
      weft_thread_ident: [[:handle], :uint64],
      weft_current_thread: [[], :handle],
      weft_main_thread: [[], :handle],
      weft_active_count: [[], :size_t],
      weft_timer_new: [[:double, :thread_fn, :pointer, :pointer, :pointer], :status],
      weft_timer_cancel: [[:handle], :status],
      weft_queue_new: [[:int, :size_t, :pointer, :pointer], :status],
      weft_queue_clone: [[:handle], :handle],
      weft_queue_free: [[:handle], :void],
      weft_queue_task_done: [[:handle], :status],
      weft_queue_shutdown: [[:handle, :bool, :queue_item_fn, :pointer], :status],
      weft_queue_is_shutdown: [[:handle], :bool],
      weft_queue_qsize: [[:handle], :size_t],
      weft_queue_empty: [[:handle], :bool],
      weft_queue_full: [[:handle], :bool],
      weft_pool_new: [[:size_t, :string, :pointer, :pointer, :pointer, :pointer], :status],
      weft_pool_free: [[:handle], :void],
      weft_pool_submit: [[:handle, :task_fn, :pointer, :pointer, :pointer], :status],
      weft_pool_max_workers: [[:handle], :size_t],
      weft_future_free: [[:handle], :void],
      weft_future_cancel: [[:handle], :bool],
      weft_future_cancelled: [[:handle], :bool],
      weft_future_running: [[:handle], :bool],
      weft_future_done: [[:handle], :bool]
    }.freeze

    BLOCKING = {
      weft_lock_acquire: [[:handle, :bool, :double], :status],
      weft_rlock_acquire: [[:handle, :bool, :double], :status],
      weft_condition_acquire: [[:handle, :bool, :double], :status],
      weft_condition_wait: [[:handle, :double], :status],
      weft_semaphore_acquire: [[:handle, :bool, :double], :status],
      weft_event_wait: [[:handle, :double], :status],
      weft_barrier_wait: [[:handle, :double, :pointer], :status],
      weft_thread_join: [[:handle, :double], :status],
      weft_thread_native_id: [[:handle], :uint64],
      weft_queue_put: [[:handle, :pointer, :bool, :double], :status],
      weft_queue_put_priority: [[:handle, :pointer, :int64, :bool, :double], :status],
      weft_queue_get: [[:handle, :bool, :double, :pointer], :status],
      weft_queue_join: [[:handle, :double], :status],
      weft_pool_shutdown: [[:handle, :bool, :bool], :status],
      weft_future_result: [[:handle, :double, :pointer], :status],
      weft_shutdown: [[:double, :pointer], :status]
    }.freeze

    NONBLOCKING.each { |name, (args, result)| attach_function name, args, result }
    BLOCKING.each { |name, (args, result)| attach_function name, args, result, blocking: true }

    got = weft_version_number
    if got / 10_000 != VERSION[0] || got < VERSION_NUMBER
      raise LoadError, "weft: #{ffi_libraries.first.name} is version " \
                       "#{got / 10_000}.#{got / 100 % 100}.#{got % 100}, but this binding needs " \
                       "#{VERSION[0]}.x.y at least #{VERSION.join(".")}"
    end
  end
end
