import Foundation
import RebalanceTestSupport
import Testing

@testable import Rebalancing

/// `batch` writes its lines straight into bytes (JSONLineWriter); `plan` and `compare` build a
/// `JSONValue` tree (JSONTreeBuilder) from the same field-by-field writers. Both sinks must give
/// the same text for every object, or `batch` and `compare` would disagree.
@Suite struct JSONLineWriterTests {
    /// The tree of a batch line, as the batch runner built it before it wrote lines directly.
    static func treeLine(_ item: BatchItem, _ comparison: Comparison) -> String {
        var fields: [(String, JSONValue)] = [("file", .string(item.file))]
        if let line = item.line { fields.append(("line", .number(String(line)))) }
        fields.append(("scenario", .string(comparison.name)))
        fields.append(("plans", .array(comparison.reports.map(\.json))))
        fields.append(("assumptions", comparison.assumptions.json))
        return JSONValue.object(fields).serialized()
    }

    /// Every bundled scenario under every strategy that makes notes, trades and sold lots of
    /// each kind (tax-deferred sales, wash sales, lot ids, alternates), with and without a line
    /// number, and plans that are not optimal (a message); a file name that needs escaping.
    @Test func batchLinesMatchTheTree() throws {
        let strategies = try ["cash-only", "full", "tax-aware:0.10", "band:5", "fifo", "m1"].map { try Strategy(parsing: $0) }
        var checked = 0
        for (n, file) in bundledScenarios.enumerated() {
            let h = Household(try ScenarioLoader.load(path: bundledScenarioPath(file)))
            let prepared = PreparedScenario(h, source: file)
            let comparison = prepared.compare(strategies, planner: Planner())
            let item = BatchItem(file: "dir/\"\(file)\"\\\n", line: n % 2 == 0 ? n + 1 : nil, content: .success(Data()))
            #expect(BatchRunner.line(item, comparison) == Self.treeLine(item, comparison), "\(file)")
            checked += 1
            // A plan that is not optimal carries its message.
            for status in [PlanStatus.infeasible, .timeLimit(feasible: true), .numericalFailure("a \"quoted\" reason")] {
                let report = PlanReport(.none(.full, h, status: status), household: h)
                var w = JSONLineWriter()
                report.write(to: &w)
                #expect(w.string == report.json.serialized())
            }
        }
        #expect(checked == bundledScenarios.count && checked > 0)
    }

    /// Generated households (`generate --seed 1`, the first 20) under the batch's strategies.
    @Test func generatedLinesMatchTheTree() throws {
        let strategies = try ["cash-only", "full", "tax-aware:0.10"].map { try Strategy(parsing: $0) }
        for index in 0..<20 {
            let h = Household(Generator(seed: 1).household(index))
            let comparison = PreparedScenario(h, source: "b.jsonl:\(index + 1)").compare(strategies, planner: Planner())
            let item = BatchItem(file: "b.jsonl", line: index + 1, content: .success(Data()))
            #expect(BatchRunner.line(item, comparison) == Self.treeLine(item, comparison), "household \(index)")
        }
    }

    /// Money and decimals written straight into the bytes read as `Money.plain` and
    /// `Money.decimal` write them: rounding halves, negative values rounding to zero, the
    /// largest numbers written as digits and those beyond, and numbers that are not finite.
    @Test func moneyAndDecimalsAsMoneyWritesThem() {
        var values: [Double] = [
            0, -0.0, -0.004, 0.005, -0.005, 0.0000005, -0.0000004, 1234.5, -3.14159, 2.675, 1e-7,
            8.99e13, 9e13, 8.99e9, 9e9, 1e16, -1e300, .infinity, -.infinity, .nan,
        ]
        // Spread over many magnitudes, both signs (a fixed sequence: the same every run).
        for k in 0..<3000 {
            let digits = Double((k &* 7919) % 1_000_003)
            values.append(digits * (k % 2 == 0 ? 1 : -1) * [1e-9, 1e-6, 1e-3, 1e-2, 1, 1e3, 1e6, 1e9][k % 8])
        }
        for x in values {
            var w = JSONLineWriter()
            w.beginArray()
            w.money(x)
            w.decimal(x)
            w.endArray()
            #expect(w.string == "[\(Money.plain(x)),\(Money.decimal(x))]", "\(x)")
        }
    }

    /// Commas and nesting by hand: `{"a":[1,{"b":true},[]],"c":{},"d":"x\"y"}`.
    @Test func commasAndNesting() {
        var w = JSONLineWriter()
        w.beginObject()
        w.key("a")
        w.beginArray()
        w.number("1")
        w.beginObject()
        w.key("b")
        w.bool(true)
        w.endObject()
        w.beginArray()
        w.endArray()
        w.endArray()
        w.key("c")
        w.beginObject()
        w.endObject()
        w.key("d")
        w.string("x\"y")
        w.endObject()
        #expect(w.string == #"{"a":[1,{"b":true},[]],"c":{},"d":"x\"y"}"#)
    }

    /// Dates and words written straight into the bytes read as the tree writes them (a date as
    /// its `description`, which is `YYYY-MM-DD` with the year, month and day zero-padded).
    @Test func datesAndWordsAsTheTreeWritesThem() {
        var rng = SplitMix64(seed: 0x4441_5445)
        var days = [Day(year: 1, month: 1, day: 1)!, Day(year: 9999, month: 12, day: 31)!, Day(year: 2024, month: 2, day: 29)!]
        for _ in 0..<2000 {
            let year = rng.int(in: 1...9999), month = rng.int(in: 1...12)
            days.append(Day(year: year, month: month, day: rng.int(in: 1...Day.daysIn(month: month, year: year)))!)
        }
        for day in days {
            let padded = String(format: "%04d-%02d-%02d", day.year, day.month, day.day)
            #expect(day.description == padded)
            var w = JSONLineWriter()
            w.beginArray()
            w.day(day)
            w.word("long")
            w.endArray()
            #expect(w.string == "[\"\(padded)\",\"long\"]")
            let tree = JSONValue.build { b in
                b.beginArray()
                b.day(day)
                b.word("long")
                b.endArray()
            }
            #expect(w.string == tree.serialized())
        }
    }

    /// The byte buffer against an array of the same appends: single bytes, runs of every length
    /// up to well past the first capacity (4,096 bytes, so that it grows by doubling and by more
    /// than doubling), strings with multi-byte characters, static strings, quoted dates and words (a key's comma and colon), empty runs.
    @Test func bytesAreTheAppendsInOrder() {
        var rng = SplitMix64(seed: 0x4A53_4F4E)
        let pieces = ["", "a", "é", "€uro", "😀", "\"", "key", String(repeating: "x", count: 300)]
        for round in 0..<60 {
            var bytes = JSONBytes()
            var expected: [UInt8] = []
            for _ in 0..<rng.int(in: 0...400) {
                switch rng.int(in: 0..<7) {
                case 0:
                    let b = UInt8(rng.int(in: 0x20...0x7E))
                    bytes.append(b)
                    expected.append(b)
                case 1:
                    let run = (0..<rng.int(in: 0...(round % 3 == 0 ? 9000 : 40))).map { _ in UInt8(rng.int(in: 0x20...0x7E)) }
                    run.withUnsafeBufferPointer { bytes.append($0) }
                    expected += run
                case 2:
                    let text = pieces[rng.int(in: 0..<pieces.count)]
                    bytes.append(text)
                    expected += Array(text.utf8)
                case 3:
                    bytes.append("static" as StaticString)
                    expected += Array("static".utf8)
                case 5:
                    let comma = rng.int(in: 0...1) == 1, colon = rng.int(in: 0...1) == 1
                    let word: StaticString = round % 3 == 0 ? "costBasis" : "id"
                    bytes.appendQuoted(word, comma: comma, suffix: colon ? UInt8(ascii: ":") : 0)
                    expected += Array(((comma ? "," : "") + "\"\(word)\"" + (colon ? ":" : "")).utf8)
                case 4 where round % 2 == 1:
                    let day = Day(year: rng.int(in: 1...9999), month: rng.int(in: 1...12), day: rng.int(in: 1...28))!
                    bytes.appendQuoted(day)
                    expected += Array("\"\(day.description)\"".utf8)
                default:
                    bytes.append(UnsafeBufferPointer<UInt8>(start: nil, count: 0))
                }
            }
            #expect(bytes.string == String(decoding: expected, as: UTF8.self), "round \(round)")
            #expect(Array(bytes.string.utf8) == expected, "round \(round)")
        }
    }
}
