# A ThreadPoolExecutor: futures' values, in submission order.
require "weft"

Weft::ThreadPoolExecutor.open(max_workers: 3) do |pool|
  futures = 5.times.map { |i| pool.submit { i * i } }
  puts "squares: #{futures.map(&:value).join(" ")}"
end
