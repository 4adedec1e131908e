import ArgumentParser
import Foundation
import Rebalancing

/// `rebalance import FORMAT FILE...`: broker exports in, a scenario out (or an existing
/// scenario with its accounts' lots, prices and recent sales replaced).
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read broker exports (lots, prices, recent sales) into a scenario.",
        discussion: """
            Formats: schwab-lots (Schwab's per-symbol Lot Details; several files, one account), \
            schwab-realized (Schwab's Realized Gain/Loss - Lot Details: this year's realized gains and the \
            loss sales of the last 30 days), ibkr-flex (an Interactive Brokers Flex Query of Open Positions \
            at lot level; several accounts), generic (CSV with account, type, symbol, shares, costBasis, \
            acquired, id and price). Columns are matched by name, in any order and case. Nothing is written \
            when anything is refused.
            """
    )

    @Argument(help: "schwab-lots, schwab-realized, ibkr-flex or generic.")
    var format: String

    @Argument(help: "The exported CSV files.")
    var files: [String]

    @Option(help: "A YAML scenario to import into: the imported accounts' lots, the prices it lacks and its recent sales are replaced; pies and settings stay as written.")
    var into: String?

    @Option(name: .customLong("as-of"), help: "The trade date, YYYY-MM-DD (default: the --into scenario's asOf, else today).")
    var asOf: String?

    @Option(help: "Write the scenario to this file (replaced whole, never partly) instead of standard output.")
    var out: String?

    @Option(help: "The account id for the lots and sales of Schwab exports (default: the account the export's title names, else schwab).")
    var account: String?

    func validate() throws {
        guard ImportFormat(rawValue: format) != nil else { throw ValidationError(ImportFormat.unknown(format)) }
        if let asOf, Day(asOf) == nil { throw ValidationError("--as-of must be a date written YYYY-MM-DD, got \"\(asOf)\"") }
        if let into, ScenarioLoader.Format(path: into) != .yaml {
            throw ValidationError("--into takes a YAML scenario (.yaml or .yml), got \"\(into)\"")
        }
        if let out, ScenarioLoader.Format(path: out) != .yaml {
            throw ValidationError("--out writes a YAML scenario: name it .yaml or .yml, got \"\(out)\"")
        }
        if let account, account.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--account must not be empty")
        }
    }

    func run() throws {
        try reportingErrors {
            let format = ImportFormat(rawValue: format)!
            var problems: [ImportProblem] = []
            var inputs: [(name: String, text: String)] = []
            for file in files {
                do {
                    let data = try Data(contentsOf: URL(fileURLWithPath: file))
                    // Exports are UTF-8 (or ASCII); older ones Latin-1.
                    inputs.append((file, String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) ?? ""))
                } catch {
                    problems.append(ImportProblem(file: file, message: "cannot read the file: \((error as NSError).localizedDescription)"))
                }
            }
            var existing: (scenario: Scenario, text: String)?
            if let into {
                let scenario: Scenario
                do throws(ScenarioError) { scenario = try ScenarioLoader.load(path: into) } catch { throw CLIError.scenario(error) }
                guard let data = FileManager.default.contents(atPath: into), let text = String(data: data, encoding: .utf8)
                else { throw CLIError.importFailed([ImportProblem(file: into, message: "cannot read the file")]) }
                existing = (scenario, text)
            }
            guard problems.isEmpty else { throw CLIError.importFailed(problems) }

            let given = asOf.flatMap(Day.init)
            let day = given ?? existing?.scenario.asOf ?? Self.today()
            let text: String
            do throws(ImportFailure) {
                let portfolio = try Importer.read(format, files: inputs, asOf: day, account: account)
                if let existing, let into {
                    text = try ImportWriter.merge(
                        into: existing.text, path: into, scenario: existing.scenario, portfolio, asOf: given)
                } else {
                    text = try ImportWriter.newScenario(portfolio, asOf: day)
                }
            } catch {
                throw CLIError.importFailed(error.problems)
            }

            // What is written must read back as a valid scenario.
            let source = out ?? into ?? "the imported scenario"
            do throws(ScenarioError) {
                _ = try ScenarioLoader.parse(Data(text.utf8), format: .yaml, source: source)
            } catch {
                throw CLIError.importFailed(
                    error.lines.map { ImportProblem(file: "", message: "the scenario would be invalid: " + $0) })
            }
            if let out {
                // The shared --out writer: the whole scenario or nothing (an OutputFailure exits 74).
                let output = try AtomicOutput(out)
                do {
                    try output.write(text)
                    try output.commit()
                } catch {
                    output.abort()
                    throw error
                }
            } else {
                try Console.output(text)
            }
        }
    }

    /// Today in UTC.
    static func today() -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }
}
