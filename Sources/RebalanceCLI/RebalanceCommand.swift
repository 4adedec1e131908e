import ArgumentParser

/// `rebalance`: the root command.
public struct RebalanceCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rebalance",
        abstract: "Tax-aware portfolio rebalancing: trades that minimize drift against their tax cost.",
        subcommands: [
            PlanCommand.self, CompareCommand.self, TaxCostCommand.self, FrontierCommand.self, BatchCommand.self,
            GenerateCommand.self, ValidateCommand.self,
        ],
        defaultSubcommand: nil
    )

    public init() {}
}
