import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

import RebalanceTestSupport

/// Each message of the error catalogue says what is wrong, where, in words.
@Suite("Reader messages")
struct MessageTests {
    static let valid = """
        asOf: 2026-11-20
        prices: {A: 10}
        pie: {slices: [{symbol: A, weight: 100}]}
        accounts: [{id: t, type: taxable, cash: 100, lots: [{symbol: A, shares: 1, costBasis: 5, acquired: 2020-01-01}]}]
        """

    func validate(_ path: String) throws -> Run {
        let run = try Run(["validate", path])
        #expect(run.status == 2, "\(path): \(run.stdout)")
        return run
    }

    @Test(.timeLimit(.minutes(5)))  // catches a hang; one minute was too tight for a loaded two-core machine
    func pathsThatAreNotFilesSayWhatTheyAre() throws {
        let dir = try temporaryDirectory()
        #expect(symlink(dir + "/loop.yaml", dir + "/loop.yaml") == 0)
        #expect(try validate(dir + "/loop.yaml").stderr.contains("loop.yaml: cannot read the file: too many levels of symbolic links (a symlink loop?)"))
        #expect(mkfifo(dir + "/fifo.yaml", 0o600) == 0)
        #expect(try validate(dir + "/fifo.yaml").stderr.contains("fifo.yaml: cannot read the file: is a FIFO (named pipe), not a regular file"))
        #expect(try validate("/dev/zero").stderr.contains("/dev/zero: cannot read the file: is a character device, not a regular file"))
        try FileManager.default.createDirectory(atPath: dir + "/d.yaml", withIntermediateDirectories: false)
        #expect(try validate(dir + "/d.yaml").stderr.contains("d.yaml: cannot read the file: is a directory, not a file"))
        #expect(try validate(dir).stderr.contains("is a directory, not a file"))
    }

    @Test func aHugeUnknownKeyIsShortened() throws {
        let key = String(repeating: "k", count: 1_000_000)
        let path = try temporaryFile("s.json", #"{"asOf": "2026-11-20", "# + "\"\(key)\": 1}")
        let run = try validate(path)
        #expect(run.stderr.utf8.count < 1_000)
        #expect(run.stderr.contains("kkkk… (1000000 bytes): unknown key"), "\(run.stderr.prefix(300))")
    }

    @Test func aDuplicateYAMLKeyHasItsFieldPath() throws {
        let path = try temporaryFile("s.yaml", Self.valid + "\ntax:\n  longTermRate: 0.15\n  longTermRate: 0.2\n")
        #expect(try validate(path).stderr.contains("s.yaml: tax.longTermRate: appears twice"))
        let nested = try temporaryFile("n.yaml", Self.valid.replacingOccurrences(of: "{id: t,", with: "{id: t, cash: 1,"))
        #expect(try validate(nested).stderr.contains("n.yaml: accounts[0].cash: appears twice"))
    }

    @Test func aTabInYAMLIsCalledATab() throws {
        let path = try temporaryFile("s.yaml", Self.valid + "\ntax:\n\tlongTermRate: 0.15\n")
        #expect(try validate(path).stderr.contains("a tab; YAML indents with spaces only"))
    }

    @Test func aZeroPriceIsOneMessage() throws {
        let path = try temporaryFile("s.yaml", Self.valid.replacingOccurrences(of: "{A: 10}", with: "{A: 0}"))
        let lines = try validate(path).stderr.split(separator: "\n")
        #expect(lines == ["\(path): prices.A: must be > 0, got 0"])
    }

    @Test func nanInJSONIsNamed() throws {
        let path = try temporaryFile("s.json", #"{"asOf": "2026-11-20", "prices": {"A": NaN}}"#)
        #expect(try validate(path).stderr.contains("invalid JSON at line 1, column 40: NaN is not a JSON number"))
    }

    @Test func aByteOrderMarkIsReadAsInYAML() throws {
        let json = #"{"asOf": "2026-11-20", "prices": {"A": 10}, "pie": {"slices": [{"symbol": "A", "weight": 100}]}, "accounts": [{"id": "t", "type": "taxable", "cash": 100}]}"#
        for (name, text) in [("s.json", json), ("s.yaml", Self.valid)] {
            let path = try temporaryFile(name)
            try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: URL(fileURLWithPath: path))
            let run = try Run(["validate", path])
            #expect(run.status == 0, "\(name): \(run.stderr)")
        }
    }

    @Test func aStrTaggedNumberIsText() throws {
        let path = try temporaryFile("s.yaml", Self.valid.replacingOccurrences(of: "{id: t,", with: "{id: !!str 12,"))
        let ok = try Run(["validate", path])
        #expect(ok.status == 0, "\(ok.stderr)")
        let price = try temporaryFile("p.yaml", Self.valid.replacingOccurrences(of: "{A: 10}", with: "{A: !!str 10}"))
        #expect(try validate(price).stderr.contains("prices.A: must be a number, got a string \"10\""))
    }

    @Test func strategiesOnTheCommandLineReadNumbersAsFilesDo() throws {
        let path = try temporaryFile("s.yaml", Self.valid)
        let hex = try Run(["plan", path, "--strategy", "tax-aware:0x10"])
        #expect(hex.status == 64 && hex.stderr.contains("must be a decimal number, got \"0x10\""), "\(hex.stderr)")
        let huge = try Run(["plan", path, "--strategy", "tax-aware:1e308"])
        #expect(huge.status == 64 && huge.stderr.contains("at most 1e12"), "\(huge.stderr)")
    }

    @Test func generateRefusesHouseholdsTheToolWouldRefuse() throws {
        let run = try Run(["generate", "--households", "1", "--lots", "2000000"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("--lots must be between 0 and 500000"))
        #expect(run.stdout.isEmpty)
    }
}
