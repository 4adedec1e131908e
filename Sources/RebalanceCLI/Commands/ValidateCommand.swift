import ArgumentParser
import Rebalancing

/// `rebalance validate FILE`: checks a scenario without solving.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a scenario file and report every problem with its field path."
    )

    @OptionGroup var scenario: ScenarioOptions

    func run() throws {
        try reportingErrors {
            let prepared = try scenario.load()
            let loaded = prepared.scenario, household = prepared.household
            let lots = household.lots.count
            func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
            try Console.text(
                "\(scenario.file): valid — \(count(loaded.accounts.count, "account")), \(count(lots, "lot")), "
                    + "\(count(household.symbols.count, "symbol")), \(count(household.groups.count, "group"))")
        }
    }
}
