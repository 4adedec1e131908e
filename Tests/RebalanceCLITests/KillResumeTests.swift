import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

import RebalanceTestSupport

/// A batch stopped at random moments by SIGKILL, SIGTERM or SIGINT and resumed each time ends
/// byte for byte as a run that was never stopped.
@Suite("Kill and resume")
struct KillResumeTests {
    @Test(.timeLimit(.minutes(10)), arguments: [SIGKILL, SIGTERM, SIGINT])
    func killedAndResumedRunsEndAsAnUninterruptedOne(signal: Int32) throws {
        let dir = try temporaryDirectory()
        let book = dir + "/book.jsonl"
        let gen = try Run(["generate", "--households", "24", "--seed", "21", "--lots", "8", "--symbols", "5", "--out", book])
        #expect(gen.status == 0)
        // Small chunks and one thread, so that a stop can fall between any two lines.
        let arguments = ["batch", book, "--strategies", "cash-only,full", "--jobs", "1", "--chunk-size", "2"]
        let reference = dir + "/reference.jsonl"
        let started = Date()
        let whole = try Run(arguments + ["--out", reference])
        #expect(whole.status == 0, "\(whole.stderr)")
        let duration = Date().timeIntervalSince(started)
        let expected = try Data(contentsOf: URL(fileURLWithPath: reference))

        let out = dir + "/out.jsonl"
        var generator = SystemRandomNumberGenerator()
        var stopped = 0
        for attempt in 0..<10 {
            let process = Process()
            process.executableURL = Run.executable
            process.arguments = arguments + ["--out", out] + (attempt == 0 ? [] : ["--resume"])
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Somewhere in the run, start-up included.
            usleep(UInt32(Double.random(in: 0.05...max(0.1, duration * 0.6), using: &generator) * 1_000_000))
            kill(process.processIdentifier, signal)
            try waitOrKill(process)
            if process.terminationReason == .uncaughtSignal { stopped += 1 }
            // Never a stray file: only the output and its run record.
            let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
            let allowed: Set = ["book.jsonl", "out.jsonl", "out.jsonl.resume", "reference.jsonl", "reference.jsonl.resume"]
            #expect(names.isSubset(of: allowed), "\(names)")
            // What is there is a prefix of the full run (a torn last line at most).
            if let partial = try? Data(contentsOf: URL(fileURLWithPath: out)) {
                #expect(expected.starts(with: partial))
            }
        }
        #expect(stopped > 0)
        let finish = try Run(arguments + ["--out", out, "--resume"])
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == expected)
    }
}
