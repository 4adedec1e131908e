import Foundation

/// Solving with integer variables, written once against the protocols so every backend gets the
/// same guarantees (as JuMP's MOI utilities sit above every backend):
///
/// - every MIP answer is verified: the integer variables (0/1 and general) are fixed at the
///   answer's values and the LP solved again, whose values are returned (exact for that choice);
///   an answer that does not verify is never returned as a solution;
/// - a MIP with at most ``mipEnumerationLimit`` 0/1 variables and no general integer ones whose
///   first answer is doubtful (or whose relaxation is unbounded) is decided by trying every choice;
/// - a larger MIP's "infeasible" gets a second opinion from the backend's other route;
/// - where the backend offers several searches, they take turns (`branchAndBoundInTurns`).
extension MIPSession {
    /// Solves the model: the LP when there are no integer variables, else the MIP from its relaxation.
    ///
    /// `gap`: branch and bound may stop once its best point is at most this many units of the
    /// objective above a proven lower bound on the optimum; the solution then carries that bound
    /// (``Solution/bound``). 0: only a proven optimum.
    public func solve(gap: Double = 0) -> Solution {
        solveMIP(incumbent: nil, gap: gap)
    }

    /// Solves, offering `incumbent` (a value per variable, the integer ones whole) to branch and
    /// bound as a known feasible point: it prunes every node that cannot beat it. A vector of the
    /// wrong length or with a non-finite value is ignored.
    ///
    /// `floor`: a lower bound on the optimum known beforehand (−∞: none); with `gap`, branch and
    /// bound may also stop once its best point is within `gap` of it.
    ///
    /// `blocks`: sets of integer variables (see ``blockBound``) whose relaxations may raise the
    /// turns' bound; none by default.
    public func solve(incumbent: [Double], gap: Double = 0, floor: Double = -.infinity, blocks: [[Variable]] = []) -> Solution {
        let usable = incumbent.count == variableCount && incumbent.allSatisfy(\.isFinite)
        return solveMIP(incumbent: usable ? incumbent : nil, gap: gap, floor: floor, blocks: blocks)
    }

    /// As ``solve(gap:)``, with `floor` and `blocks` (see ``solve(incumbent:gap:floor:blocks:)``).
    public func solve(gap: Double, floor: Double, blocks: [[Variable]] = []) -> Solution {
        solveMIP(incumbent: nil, gap: gap, floor: floor, blocks: blocks)
    }

    private func solveMIP(incumbent: [Double]?, gap: Double, floor: Double = -.infinity, blocks: [[Variable]] = []) -> Solution {
        let relaxation = solveRelaxation()
        guard !integerVariables.isEmpty, relaxation.status != .infeasible else {
            // An infeasible relaxation settles the MIP too.
            return relaxation
        }
        if relaxation.status == .unbounded {
            // Unbounded only if some choice of the 0/1 variables is: enumerate when few.
            return enumerable
                ? enumerate()
                : Solution(status: .numericalFailure("the LP relaxation is unbounded; too many integer variables to decide"))
        }
        guard relaxation.status == .optimal else { return relaxation }

        switch branchAndBoundInTurns(incumbent: incumbent, gap: max(0, gap), floor: floor, blocks: blocks) {
        case .optimal(let choice):
            if let verified = verify(choice, status: .optimal) { return verified }
            return secondOpinion(firstSaidInfeasible: false)
        case .withinGap(let choice, let bound):
            if let verified = verify(choice, status: .optimal, bound: bound) { return verified }
            return secondOpinion(firstSaidInfeasible: false)
        case .timeLimit(let choice), .nodeLimit(let choice):
            if let choice, let verified = verify(choice, status: .timeLimit(feasible: true)) { return verified }
            return Solution(status: .timeLimit(feasible: false))
        case .failure(let failure):
            return Solution(status: .numericalFailure(failure))
        case .infeasible:
            return secondOpinion(firstSaidInfeasible: true)
        case .inconclusive:
            return secondOpinion(firstSaidInfeasible: false)
        }
    }

    /// Branch and bound where no one search is fastest on every model (whole shares: a search
    /// that proves one household optimal in a tenth of a second runs for minutes on another).
    /// The backend's searches take turns, each up to a node limit that doubles every round, each
    /// started from the best point found so far, until one reaches a verdict: at most about
    /// twice the searches' count times the fastest search's nodes. Node limits rather than time
    /// slices, so that a model gets the same answer on any machine.
    ///
    /// With a gap and `blocks`, after each round from the second on in which no search reached a
    /// verdict, each block's relaxation is searched too (``blockBound``); its bound raises the
    /// turns' bound and the floor of the runs after it.
    private func branchAndBoundInTurns(
        incumbent: [Double]?, gap: Double, floor: Double, blocks: [[Variable]]
    ) -> BranchAndBoundOutcome {
        let searches = branchAndBoundSearches
        guard searches > 1 else { return branchAndBound(BranchAndBoundRun(incumbent: incumbent, gap: gap, floor: floor)) }
        let clock = ContinuousClock()
        let start = clock.now
        /// Whether the time limit has passed, and the seconds left of it (nil: no limit).
        func timeLeft() -> (expired: Bool, remaining: Double?) {
            guard let limit = timeLimit else { return (false, nil) }
            let elapsed = start.duration(to: clock.now) / .seconds(1)
            return (elapsed >= limit, limit - elapsed)
        }
        var offer = incumbent
        var found: [Double]?
        /// The best of the turns' bounds (each a bound on the same model's optimum) and the
        /// objective of the best point found: within `gap` of each other, the turns may stop.
        var bound = floor
        var foundValue = Double.infinity
        var nodes = firstTurnNodes
        var first = true
        /// The blocks whose relaxation is still worth a search (one proven is done), and the
        /// best of their bounds: a floor for every later run.
        var open = gap > 0 && blocks.count > 1 ? Array(blocks.indices) : []
        var floor = floor
        // (The order is checked: each search once, or the searches in their own order.)
        let order = gap > 0 && searchOrderWithGap.sorted() == Array(0..<searches) ? searchOrderWithGap : Array(0..<searches)
        while true {
            for search in order {
                let (expired, remaining) = timeLeft()
                if expired { return .timeLimit(found) }
                // Each run starts from the relaxation solved to optimality.
                if !first, solveLP() != .optimal { return .inconclusive }
                first = false
                let run = BranchAndBoundRun(
                    incumbent: offer, search: search, nodeLimit: nodes, timeLimit: remaining, gap: gap, floor: floor)
                let turnStart = clock.now
                let outcome = branchAndBound(run)
                if case .nodeLimit = outcome, let b = nodeLimitBound { bound = max(bound, b) }
                traceTurn {
                    "turn: search \(search), \(nodes) nodes, \(outcome.name), bound \(bound), found \(foundValue), "
                        + "\(turnStart.duration(to: clock.now) / .seconds(1)) s"
                }
                switch outcome {
                case .nodeLimit(let choice?):
                    // The best found so far (a run keeps the point it was offered unless it beats it).
                    found = choice
                    if let fixed = solveFixed(choice), fixed.status == .optimal {
                        offer = fixed.values
                        foundValue = fixed.objectiveValue
                    }
                    if gap > 0, foundValue - bound <= gap { return .withinGap(choice, bound: bound) }
                case .nodeLimit(nil):
                    continue
                case .timeLimit(let choice):
                    return .timeLimit(choice ?? found)
                case let outcome:
                    return outcome
                }
            }
            // Every search ran to its node limit: the blocks' relaxations (each a relaxation of
            // this model, so its bound is one on this model's optimum), from the second round on
            // (most models are settled within two; a block's search also moves the basis the
            // next turn starts from, and so the turns' path).
            for b in open where nodes > firstTurnNodes {
                let (expired, remaining) = timeLeft()
                if expired { return .timeLimit(found) }
                if !first, solveLP() != .optimal { return .inconclusive }
                let turnStart = clock.now
                let (blockFloor, proven) = blockBound(
                    blocks[b], incumbent: offer, nodes: nodes, timeLimit: remaining, gap: gap, floor: floor)
                if proven { open.removeAll { $0 == b } }
                if let blockFloor {
                    floor = max(floor, blockFloor)
                    bound = max(bound, blockFloor)
                }
                traceTurn {
                    "turn: block \(b) (\(blocks[b].count) integer columns), \(nodes) nodes, \(proven ? "proven" : "not proven"), "
                        + "bound \(blockFloor.map { String($0) } ?? "-"), \(turnStart.duration(to: clock.now) / .seconds(1)) s"
                }
                if let found, foundValue - bound <= gap { return .withinGap(found, bound: bound) }
            }
            nodes = min(2 * nodes, Int(Int32.max))
        }
    }

    /// The relaxation of the model in which only `block`'s integer variables are integer (every
    /// other integer variable continuous), searched by branch and bound up to `nodes` nodes:
    /// a lower bound on its optimum (the backend's ``runBound``), nil when the search gave none,
    /// and whether the search ended (optimal, or within `gap` of `incumbent`: more nodes would
    /// not raise the bound enough to matter).
    ///
    /// Why it is a bound on the model's optimum: every point of the model is a point of the
    /// relaxation (dropping integrality removes no point), so the relaxation's optimum is at most
    /// the model's, and any lower bound on it is one on the model's. Why it can be far above the
    /// LP relaxation's bound: the blocks are where the model's integrality binds independently
    /// (whole shares: each account's cash is spent only by its own whole shares); with every
    /// other block continuous, branch and bound on one block meets only that block's number
    /// theory, while on the whole model it branches on every block's variables whose values do
    /// not move the bound (another account's trades at no cost in the objective) and the tree
    /// grows with their product.
    private func blockBound(
        _ block: [Variable], incumbent: [Double]?, nodes: Int, timeLimit: Double?, gap: Double, floor: Double
    ) -> (bound: Double?, proven: Bool) {
        let inBlock = Set(block)
        let relaxed = integerVariables.filter { !inBlock.contains($0) }
        guard !relaxed.isEmpty, relaxed.count < integerVariables.count else { return (nil, true) }
        let run = BranchAndBoundRun(
            incumbent: incumbent, search: 0, nodeLimit: nodes, timeLimit: timeLimit, gap: gap, floor: floor, continuous: relaxed)
        let outcome = branchAndBound(run)
        switch outcome {
        case .optimal, .withinGap: return (runBound, true)
        case .infeasible: return (nil, true)
        default: return (runBound, false)
        }
    }

    /// Few 0/1 variables and no general integer ones: every choice can be tried.
    private var enumerable: Bool { integerVariablesAreBinary && integerVariables.count <= mipEnumerationLimit }

    /// The LP with the integer variables fixed at `choice`, marked `status` (and carrying
    /// `bound`, branch and bound's lower bound on the optimum, when it stopped within a gap); nil
    /// when that LP is not optimal (the MIP answer was wrong).
    private func verify(_ choice: [Double], status: TerminationStatus, bound: Double? = nil) -> Solution? {
        guard var fixed = solveFixed(choice), fixed.status == .optimal else { return nil }
        fixed.status = status
        // (The LP with the choice fixed may come out a rounding below the bound.)
        fixed.bound = bound.map { min($0, fixed.objectiveValue) }
        return fixed
    }

    /// Solves the LP with every integer variable fixed as `choice` says (each rounded to a whole
    /// value), then frees them again. Nil when that LP reached no verdict.
    private func solveFixed(_ choice: [Double]) -> Solution? {
        fixIntegers(choice.map { $0.rounded() })
        defer { fixIntegers(nil) }
        let solution = solveRelaxation()
        switch solution.status {
        case .optimal, .infeasible, .unbounded: return solution
        default: return nil
        }
    }

    /// Decides a MIP whose first answer was "infeasible" or did not verify: by enumeration when
    /// there are few 0/1 variables (and no others), else by the backend's other route, whose
    /// answer is verified too.
    private func secondOpinion(firstSaidInfeasible: Bool) -> Solution {
        if enumerable { return enumerate() }
        // (No gap: the presolver transforms the model the bounds would be read from.)
        let second = branchAndBound(BranchAndBoundRun(presolve: true))
        switch second {
        case .optimal(let choice):
            if let verified = verify(choice, status: .optimal) { return verified }
            // The second route claimed a solution that does not verify: the first verdict stands.
            if firstSaidInfeasible { return Solution(status: .infeasible) }
        case .withinGap(let choice, let bound):
            if let verified = verify(choice, status: .optimal, bound: bound) { return verified }
            if firstSaidInfeasible { return Solution(status: .infeasible) }
        case .infeasible:
            return Solution(status: .infeasible)
        case .timeLimit, .nodeLimit:
            return Solution(status: .timeLimit(feasible: false))
        case .inconclusive, .failure:
            break
        }
        return Solution(status: .numericalFailure("branch and bound gave an answer that did not verify"))
    }

    /// The best of the LPs with every choice of the 0/1 variables fixed.
    private func enumerate() -> Solution {
        let count = integerVariables.count
        var best: Solution?
        for mask in 0..<(1 << count) {
            let choice = (0..<count).map { mask & (1 << $0) != 0 ? 1.0 : 0.0 }
            guard let solution = solveFixed(choice) else { continue }
            if solution.status == .unbounded { return Solution(status: .unbounded) }
            if solution.status == .optimal, best.map({ solution.objectiveValue < $0.objectiveValue - 1e-9 }) ?? true {
                best = solution
            }
        }
        return best ?? Solution(status: .infeasible)
    }
}

/// The node limit of each search's first turn in `branchAndBoundInTurns`: most models in whole
/// shares are settled by the first search within it.
let firstTurnNodes = 1_000

/// 0/1 variables decided by trying every choice when doubtful: at most 2^10 LPs.
public let mipEnumerationLimit = 10

/// With `REBALANCE_TRACE` set, each turn of `branchAndBoundInTurns` on stderr (its search, node
/// limit, outcome and time): for finding which search settles a slow whole-share stage.
private let turnsTraced = ProcessInfo.processInfo.environment["REBALANCE_TRACE"] != nil

private func traceTurn(_ message: () -> String) {
    guard turnsTraced else { return }
    FileHandle.standardError.write(Data(("trace: " + message() + "\n").utf8))
}

extension BranchAndBoundOutcome {
    /// A short name for traces.
    var name: String {
        switch self {
        case .optimal: "optimal"
        case .infeasible: "infeasible"
        case .timeLimit: "time limit"
        case .nodeLimit(let found): found == nil ? "node limit, nothing found" : "node limit"
        case .withinGap(_, let bound): "within the gap of \(bound)"
        case .inconclusive: "inconclusive"
        case .failure: "failure"
        }
    }
}
