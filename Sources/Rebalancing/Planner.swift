import LinearProgramming

/// Makes a plan under any strategy: the optimizer for optimizing strategies, the baselines'
/// own rules for `fifo` and `m1`.
public struct Planner: Sendable {
    public let options: SolverOptions

    public init(options: SolverOptions = SolverOptions()) { self.options = options }

    public func plan(_ household: Household, strategy: Strategy) -> Plan {
        switch strategy.kind {
        case .fifo:
            let full = Optimizer(options: options).plan(household, strategy: Strategy(name: "full", kind: .full))
            return Baselines.fifo(household, full: full, strategy: strategy)
        case .m1:
            return Baselines.m1(household, strategy: strategy)
        default:
            return Optimizer(options: options).plan(household, strategy: strategy)
        }
    }
}
