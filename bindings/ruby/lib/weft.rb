# frozen_string_literal: true

# weft: Python's threading, queue and concurrent.futures thread pool, from libweft.so, for Ruby.
# See bindings/ruby/README.md.
require_relative "weft/version"
require_relative "weft/native"
require_relative "weft/errors"
require_relative "weft/handle"
require_relative "weft/sync"
require_relative "weft/thread"
require_relative "weft/queue"
require_relative "weft/pool"
require_relative "weft/exit"
