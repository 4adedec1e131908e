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
            let loaded = try scenario.load()
            let household = Household(loaded)
            let lots = household.lots.count
            Console.output(
                "\(scenario.file): valid — \(loaded.accounts.count) accounts, \(lots) lots, "
                    + "\(household.symbols.count) symbols, \(household.groups.count) groups")
        }
    }
}
