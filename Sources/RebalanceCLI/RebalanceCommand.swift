import ArgumentParser
import Rebalancing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rebalance`: the root command.
public struct RebalanceCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rebalance",
        abstract: "Tax-aware portfolio rebalancing: trades that minimize drift against their tax cost.",
        version: RebalanceVersion.current,
        subcommands: [
            PlanCommand.self, CompareCommand.self, TaxCostCommand.self, FrontierCommand.self, BatchCommand.self,
            GenerateCommand.self, ValidateCommand.self, ImportCommand.self,
        ],
        defaultSubcommand: nil
    )

    public init() {}

    /// Runs the command line. A first argument that is no subcommand but close to one (`plna`)
    /// is refused with a "did you mean" (exit 64) instead of ArgumentParser's "unexpected argument".
    /// SIGPIPE is ignored: a closed pipe is a write error like any other, reported on stderr
    /// with exit code 74, rather than a silent death by signal. SIGINT, SIGTERM and SIGHUP are
    /// unblocked (a parent's thread may have blocked them), so that the tool can always be
    /// stopped and its temporary files removed.
    public static func main() {
        signal(SIGPIPE, SIG_IGN)
        var termination = sigset_t()
        sigemptyset(&termination)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&termination, sig) }
        pthread_sigmask(SIG_UNBLOCK, &termination, nil)
        if let (typed, meant) = subcommandSuggestion(Array(CommandLine.arguments.dropFirst())) {
            exit(withError: ValidationError("Unknown subcommand '\(typed)'. Did you mean '\(meant)'?"))
        }
        main(nil)
    }

    /// The subcommand a mistyped first argument stands for, if it is close to one.
    static func subcommandSuggestion(_ arguments: [String]) -> (typed: String, meant: String)? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        let names = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !names.contains(first), let meant = Suggestion.closest(to: first, among: names) else { return nil }
        return (first, meant)
    }
}
