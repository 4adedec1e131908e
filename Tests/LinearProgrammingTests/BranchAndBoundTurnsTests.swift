import class RebalanceTestSupport.ForwardingSession
import Testing

@testable import GLPKSolver
@testable import LinearProgramming

/// Several branch-and-bound searches taking turns, each up to a node limit doubling every round.
@Suite("Branch and bound in turns")
struct BranchAndBoundTurnsTests {
    /// Jeroslow's model with general integers in [0, 1]: minimize z subject to
    /// 2·(x₁ + … + xₙ) + z = n, n odd. The left side without z is even and n is odd, so z = 1 in
    /// every integer solution (x's summing to (n − 1)/2); the LP relaxation reaches z = 0 with
    /// every x at ½. Branching on the x's alone needs exponentially many nodes to prove z = 1.
    static func jeroslow(_ n: Int) -> LinearModel {
        var model = LinearModel()
        let xs = (0..<n).map { _ in model.addVariable(upper: 1, integer: true) }
        let z = model.addVariable(upper: 1, integer: true)
        model.addConstraint(xs.map { Term($0, 2) } + [Term(z, 1)], equalTo: Double(n))
        model.objective = [Term(z, 1)]
        return model
    }

    /// GLPK, except that the first `stops` runs end at their node limit, found nothing; every run is logged.
    final class StoppingSession: ForwardingSession {
        var stops: Int
        var runs: [BranchAndBoundRun] = []
        init(_ model: LinearModel, stops: Int) throws {
            self.stops = stops
            super.init(try GLPKProblem(model))
        }
        override func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
            runs.append(run)
            guard stops > 0 else { return inner.branchAndBound(run) }
            stops -= 1
            return .nodeLimit(nil)
        }
    }

    @Test("Every search of a model in whole numbers reaches the same optimum", arguments: 0..<3)
    func everySearchReachesTheOptimum(search: Int) throws {
        let session = try GLPKProblem(Self.jeroslow(9))
        #expect(session.branchAndBoundSearches == 3)
        #expect(session.solveLP() == .optimal)
        #expect(abs(session.objectiveValue()) < 1e-9, "the relaxation reaches z = 0")
        guard case .optimal(let choice) = session.branchAndBound(BranchAndBoundRun(search: search)) else {
            Issue.record("search \(search) reached no optimum")
            return
        }
        #expect(choice.last == 1, "z = 1")
        #expect(choice.dropLast().reduce(0, +) == 4, "four x's at 1: 2·4 + 1 = 9")
    }

    @Test("A run stops at its node limit; a 0/1 model has one search")
    func nodeLimitStopsARun() throws {
        // Without cuts (search 1), proving z = 1 for n = 21 takes far more than 5 nodes.
        let session = try GLPKProblem(Self.jeroslow(21))
        #expect(session.solveLP() == .optimal)
        let outcome = session.branchAndBound(BranchAndBoundRun(search: 1, nodeLimit: 5))
        guard case .nodeLimit = outcome else {
            Issue.record("expected the node limit, got \(outcome)")
            return
        }
        #expect(try GLPKProblem(MIPTests.knapsack(binary: true).model).branchAndBoundSearches == 1)
    }

    @Test("The searches take turns, each node limit doubling every round, until one decides")
    func searchesTakeTurns() throws {
        let session = try StoppingSession(Self.jeroslow(9), stops: 4)
        let solution = session.solve()
        #expect(solution.status == .optimal)
        #expect(abs(solution.objectiveValue - 1) < 1e-9)
        let turns = session.runs.map { [$0.search, $0.nodeLimit ?? -1] }
        let first = firstTurnNodes
        #expect(turns == [[0, first], [1, first], [2, first], [0, 2 * first], [1, 2 * first]])
        #expect(session.runs.allSatisfy { !$0.presolve })
    }

    @Test("A point found by one turn is offered to the next")
    func foundPointIsOffered() throws {
        /// The first run ends at its limit having found x₁…x₄ = 1, z = 1 (feasible, optimal).
        final class FindingSession: ForwardingSession {
            var runs: [BranchAndBoundRun] = []
            override func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
                runs.append(run)
                guard runs.count > 1 else { return .nodeLimit([1, 1, 1, 1, 0, 0, 0, 0, 0, 1]) }
                return inner.branchAndBound(run)
            }
        }
        let session = FindingSession(try GLPKProblem(Self.jeroslow(9)))
        let solution = session.solve()
        #expect(solution.status == .optimal)
        #expect(session.runs.count == 2)
        let offered = try #require(session.runs.last?.incumbent)
        #expect(offered.map { $0.rounded() } == [1, 1, 1, 1, 0, 0, 0, 0, 0, 1])
    }

    @Test("Out of time between turns: the best point found so far, not proven optimal")
    func timeLimitBetweenTurns() throws {
        /// Every run ends at its node limit with the same point: only the time limit ends the turns.
        final class NeverDecides: ForwardingSession {
            override func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
                .nodeLimit([1, 1, 1, 1, 0, 0, 0, 0, 0, 1])
            }
        }
        let session = NeverDecides(try GLPKProblem(Self.jeroslow(9), options: SolverOptions(timeLimit: 0.2)))
        let solution = session.solve()
        #expect(solution.status == .timeLimit(feasible: true))
        #expect(abs(solution.objectiveValue - 1) < 1e-9)
    }
}

/// Branch and bound stopping within an absolute gap (``BranchAndBoundRun/gap``), worked by hand
/// on Jeroslow's model with n = 21: the relaxation reaches z = 0 (every x at ½), every integer
/// point has z = 1 (2·Σx is even, 21 odd), and proving that without cuts takes far more than a
/// handful of nodes. Offered the integer point x₁…x₁₀ = 1, z = 1 (2·10 + 1 = 21), a run with
/// gap 1 may stop at once: 1 − (a bound of at least 0) ≤ 1. With gap ½ it must raise the bound
/// above ½, and the only bound above ½ it can prove is the optimum 1 itself (the bound of a node
/// of this model is the LP optimum there, and z is whole).
@Suite("Branch and bound within a gap")
struct GapStopTests {
    static let point = [Double](repeating: 1, count: 10) + [Double](repeating: 0, count: 11) + [1]

    @Test("A run stops once its incumbent is within the gap of the least bound left")
    func stopsWithinTheGap() throws {
        let session = try GLPKProblem(BranchAndBoundTurnsTests.jeroslow(21))
        #expect(session.solveLP() == .optimal)
        let outcome = session.branchAndBound(BranchAndBoundRun(incumbent: Self.point, search: 1, nodeLimit: 50, gap: 1))
        guard case .withinGap(let choice, let bound) = outcome else {
            Issue.record("expected a stop within the gap, got \(outcome)")
            return
        }
        #expect(choice.last == 1, "z = 1")
        #expect(bound >= -1e-9 && bound <= 1 + 1e-9, "0 ≤ bound ≤ optimum 1")
        // Without a gap the same run only reaches its node limit.
        let exact = session.branchAndBound(BranchAndBoundRun(incumbent: Self.point, search: 1, nodeLimit: 50))
        guard case .nodeLimit = exact else {
            Issue.record("expected the node limit, got \(exact)")
            return
        }
    }

    @Test("A solve within a gap is verified and carries its bound; a smaller gap gets the optimum")
    func solveCarriesTheBound() throws {
        let loose = try GLPKProblem(BranchAndBoundTurnsTests.jeroslow(21)).solve(incumbent: Self.point, gap: 1)
        #expect(loose.status == .optimal)
        #expect(abs(loose.objectiveValue - 1) < 1e-9)
        // (The first search's cuts may prove z = 1 at the root: then no bound, the optimum proven.)
        #expect(loose.bound.map { $0 >= -1e-9 && loose.objectiveValue - $0 <= 1 + 1e-9 } ?? true)

        let tight = try GLPKProblem(BranchAndBoundTurnsTests.jeroslow(9)).solve(incumbent: [1, 1, 1, 1, 0, 0, 0, 0, 0, 1], gap: 0.5)
        #expect(tight.status == .optimal)
        #expect(abs(tight.objectiveValue - 1) < 1e-9)
        #expect(tight.bound.map { $0 > 0.5 } ?? true, "no bound, or one above ½: the optimum proven")
    }

    @Test("A run stopped at its node limit leaves the least bound of its open nodes")
    func nodeLimitLeavesABound() throws {
        let session = try GLPKProblem(BranchAndBoundTurnsTests.jeroslow(21))
        #expect(session.solveLP() == .optimal)
        guard case .nodeLimit = session.branchAndBound(BranchAndBoundRun(search: 1, nodeLimit: 5)) else {
            Issue.record("expected the node limit")
            return
        }
        let bound = try #require(session.nodeLimitBound)
        #expect(bound >= -1e-9 && bound <= 1 + 1e-9, "a bound on the optimum 1, at least the relaxation's 0")
    }

    /// Every turn ends at its node limit with the point z = 1 (the optimum) and says its open
    /// nodes are bounded by ½: with gap ½ the turns stop after the first (1 − ½ ≤ ½), the point
    /// verified and carrying the bound ½; with gap 0.4 they go on until the time limit.
    @Test("Turns stop once the best point is within the gap of the best turn's bound")
    func turnsStopWithinTheGap() throws {
        final class HalfBound: ForwardingSession {
            var runs = 0
            override func branchAndBound(_ run: BranchAndBoundRun) -> BranchAndBoundOutcome {
                runs += 1
                return .nodeLimit([1, 1, 1, 1, 0, 0, 0, 0, 0, 1])
            }
            override var nodeLimitBound: Double? { 0.5 }
        }
        let options = SolverOptions(timeLimit: 0.2)
        let stops = HalfBound(try GLPKProblem(BranchAndBoundTurnsTests.jeroslow(9), options: options))
        let solution = stops.solve(gap: 0.5)
        #expect(solution.status == .optimal)
        #expect(abs(solution.objectiveValue - 1) < 1e-9)
        #expect(solution.bound == 0.5)
        #expect(stops.runs == 1)

        let goesOn = HalfBound(try GLPKProblem(BranchAndBoundTurnsTests.jeroslow(9), options: options))
        #expect(goesOn.solve(gap: 0.4).status == .timeLimit(feasible: true))
        #expect(goesOn.runs > 1)
    }
}

extension BranchAndBoundTurnsTests {
    /// Jeroslow's model with n = Σ x as an integer column of its own (a row Σ x − n = 0): then
    /// 2n + z = 21 with n whole, so the relaxation's n = 10.5 branches to n ≤ 10 (z ≥ 1, the
    /// optimum z = 1 at n = 10) and n ≥ 11 (2·11 > 21: infeasible) and the proof takes a few
    /// nodes, where branching on the x's takes exponentially many. `branchFirstOnSum`: the columns named
    /// to branch on first (the sum, or the x's).
    static func jeroslowWithSum(_ n: Int) -> LinearModel {
        var model = jeroslow(n)
        let sum = model.addVariable(upper: Double(n), integer: true)
        model.addConstraint((0..<n).map { Term(Variable(index: $0), 1) } + [Term(sum, -1)], equalTo: 0)
        return model
    }
    /// The session of ``jeroslowWithSum(_:)`` that branches first on the sum (or on the x's).
    static func jeroslowWithSum(_ n: Int, branchFirstOnSum: Bool) throws -> GLPKProblem {
        let session = try GLPKProblem(jeroslowWithSum(n))
        try session.setBranchFirst(branchFirstOnSum ? [Variable(index: n + 1)] : (0..<n).map { Variable(index: $0) })
        return session
    }

    @Test("Search 1 branches first on the columns the model names")
    func branchesFirstOnTheNamedColumns() throws {
        let onSum = try Self.jeroslowWithSum(21, branchFirstOnSum: true)
        #expect(onSum.solveLP() == .optimal)
        guard case .optimal(let choice) = onSum.branchAndBound(BranchAndBoundRun(search: 1, nodeLimit: 20)) else {
            Issue.record("branching on the sum first did not prove z = 1 within 20 nodes")
            return
        }
        #expect(choice[21] == 1, "z = 1")
        #expect(choice[22] == 10 && choice.prefix(21).reduce(0, +) == 10, "ten x's at 1: 2·10 + 1 = 21")

        // Named first, the x's are branched on while one is fractional (Driebeck–Tomlin alone
        // picks the sum here and proves it as fast), and 20 nodes prove nothing.
        let onXs = try Self.jeroslowWithSum(21, branchFirstOnSum: false)
        #expect(onXs.solveLP() == .optimal)
        let outcome = onXs.branchAndBound(BranchAndBoundRun(search: 1, nodeLimit: 20))
        guard case .nodeLimit = outcome else {
            Issue.record("expected the node limit branching on the x's first, got \(outcome)")
            return
        }
        // The other searches keep their own rule.
        #expect(onXs.solveLP() == .optimal)
        guard case .optimal = onXs.branchAndBound(BranchAndBoundRun(search: 2, nodeLimit: 20)) else {
            Issue.record("search 2 did not prove z = 1 within 20 nodes")
            return
        }
    }

    @Test("A column to branch on first must exist")
    func branchFirstIsChecked() throws {
        let session = try GLPKProblem(Self.jeroslow(3))
        #expect(throws: LinearProgrammingError.variableOutOfRange(index: 4, count: 4)) { try session.setBranchFirst([Variable(index: 4)]) }
    }
}
