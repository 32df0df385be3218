# frozen_string_literal: true

require_relative "lib/weft/version"

Gem::Specification.new do |spec|
  spec.name = "weft"
  spec.version = Weft::VERSION
  spec.summary = "Python's threading, queue and thread pool for Ruby, over libweft.so"
  spec.description = "A thin binding, with the ffi gem, over weft's C library: Lock, RLock, " \
                     "Condition, Event, Semaphore, Barrier, Thread, Timer, Queue and " \
                     "ThreadPoolExecutor with Python's semantics and exit that never hangs."
  spec.authors = ["weft contributors"]
  spec.licenses = ["MIT", "Apache-2.0"]
  spec.files = Dir["lib/**/*.rb"] + ["README.md"]
  spec.require_paths = ["lib"]
  spec.required_ruby_version = ">= 3.0"
  spec.add_runtime_dependency "ffi", "~> 1.15"
  spec.requirements << "libweft.so.0 (the weft C library: make && make install), or WEFT_LIBRARY"
end
