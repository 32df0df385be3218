# frozen_string_literal: true

require "minitest/autorun"
require "open3"
require "rbconfig"
require "timeout"

LIB = File.expand_path("../lib", __dir__)
$LOAD_PATH.unshift(LIB)
require "weft"

module Helper
  # Runs `script` in a new Ruby with the binding, at most `limit` seconds; returns
  # [stdout, stderr, Process::Status]. With `signal`, sends it once the script printed "ready".
  def run_ruby(script, limit: 10, signal: nil)
    Open3.popen3(RbConfig.ruby, "-I", LIB, "-rweft", "-e", script) do |stdin, stdout, stderr, waiter|
      stdin.close
      out = +""
      begin
        Timeout.timeout(limit) do
          if signal
            out << stdout.gets.to_s until out.include?("ready") || stdout.eof?
            Process.kill(signal, waiter.pid)
          end
          out << stdout.read
          return [out, stderr.read, waiter.value]
        end
      rescue Timeout::Error
        Process.kill(:KILL, waiter.pid)
        flunk "hung (killed after #{limit} s); output so far: #{out.inspect}"
      end
    end
  end
end
