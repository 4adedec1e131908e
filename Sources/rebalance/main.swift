import RebalanceCLI

#if os(Linux)
// glibc's malloc: give freed memory back to the system (heap tops above 1 MiB trimmed; setting
// the threshold also keeps the mmap threshold at its initial 128 KiB, so large arrays are mapped
// and unmapped rather than left in an arena). `compare` and `frontier` solve on several threads,
// each with its own arena, and a direct-indexing household's LPs allocate and free tens of
// megabytes of arrays per solve: without this, the memory one solve freed stayed mapped beside
// the next (compare of 500 symbols / 100,000 lots on 2 jobs peaked 10-20 MB higher).
// (Swift's Glibc module leaves out <malloc.h>: `mallopt` and M_TRIM_THRESHOLD, -1, declared here.)
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let trimThreshold: Int32 = -1
_ = mallopt(trimThreshold, 1 << 20)
#endif
RebalanceCommand.main()
