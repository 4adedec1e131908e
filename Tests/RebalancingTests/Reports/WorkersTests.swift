import Foundation
import GLPKSolver
import LinearProgramming
import RebalanceTestSupport
import Synchronization
import Testing

@testable import Rebalancing

// `compare` and `frontier` plan on several threads: the results must come back in order, the
// same as on one thread, and every worker thread must free the solver's per-thread state.

/// GLPK, recording which threads freed their per-thread state and which threads planned.
private struct ThreadRecordingSolver: MIPDualSolver {
    final class Record: Sendable {
        let released = Mutex<[UInt]>([])
        let solvedOn = Mutex<Set<UInt>>([])
    }
    let record = Record()
    /// The first plan waits (up to 2 s) until another thread plans too: on a loaded machine the
    /// calling thread could otherwise make every plan of a small household before the workers
    /// it started were scheduled.
    var waitsForASecondThread = false
    static var thread: UInt { UInt(pthread_self()) }
    func makeSession(_ model: LinearModel) throws(LinearProgrammingError) -> GLPKProblem {
        let first = record.solvedOn.withLock { threads in
            defer { threads.insert(Self.thread) }
            return threads.isEmpty
        }
        if waitsForASecondThread && first {
            for _ in 0..<2_000 where record.solvedOn.withLock({ $0.count }) < 2 { usleep(1_000) }
        }
        return try GLPKSolver().makeSession(model)
    }
    func releaseThreadResources() {
        record.released.withLock { $0.append(Self.thread) }
        GLPKSolver().releaseThreadResources()
    }
}

@Suite("Workers")
struct WorkersTests {
    @Test func resultsComeBackInOrderWhateverFinishesFirst() {
        // The early indices sleep longest, so the later ones finish first on other threads.
        let solver = ThreadRecordingSolver()
        let results = Workers.map(6, jobs: 3, planner: Planner(solver: solver)) { i in
            usleep(UInt32((6 - i) * 20_000))
            return i * i
        }
        #expect(results == [0, 1, 4, 9, 16, 25])
        // The calling thread is one of the 3 workers; the 2 others each freed their state once.
        let released = solver.record.released.withLock { $0 }
        #expect(released.count == 2)
        #expect(Set(released).count == 2 && !released.contains(ThreadRecordingSolver.thread))
    }

    @Test func oneJobRunsOnTheCallingThread() {
        let solver = ThreadRecordingSolver()
        let me = ThreadRecordingSolver.thread
        let threads = Workers.map(4, jobs: 1, planner: Planner(solver: solver)) { _ in ThreadRecordingSolver.thread }
        #expect(threads == [me, me, me, me])
        #expect(solver.record.released.withLock { $0 }.isEmpty)
    }

    @Test func aCompareOnSeveralThreadsIsTheSameAsOnOne() throws {
        // Every strategy kind, `full` twice under two names and `fifo` (which reuses full's plan),
        // on bundled households: reports in the strategies' order, byte for byte the same JSON.
        let strategies = try ["fifo", "cash-only", "full", "band:5", "m1", "tax-aware:0.10", "tax-budget:0", "full"]
            .map(Strategy.init(parsing:))
        for file in ["three-fund.yaml", "harvest-into-alternate.yaml", "withdrawal.yaml"] {
            let household = try ScenarioLoader.loadHousehold(path: bundledScenarioPath(file))
            let one = Comparison(household, name: file, strategies: strategies, planner: Planner(), jobs: 1)
            var solver = ThreadRecordingSolver()
            solver.waitsForASecondThread = true
            let three = Comparison(household, name: file, strategies: strategies, planner: Planner(solver: solver), jobs: 3)
            #expect(three.reports.map(\.strategy.name) == strategies.map(\.name))
            #expect(three.json.pretty() == one.json.pretty(), "\(file)")
            #expect(three.savings?.lotTax == one.savings?.lotTax)
            // The plans were made on more than one thread, and each new thread freed its state.
            let released = solver.record.released.withLock { $0 }
            #expect(released.count == 2)
            #expect(solver.record.solvedOn.withLock { $0 }.count > 1)
        }
    }

    @Test func aFrontierOnSeveralThreadsIsTheSameAsOnOne() throws {
        for file in ["three-fund.yaml", "near-long-term.yaml", "withdrawal.yaml"] {
            let household = try ScenarioLoader.loadHousehold(path: bundledScenarioPath(file))
            let one = Frontier(household, name: file, points: 5, planner: Planner(), jobs: 1)
            let two = Frontier(household, name: file, points: 5, planner: Planner(), jobs: 2)
            #expect(two.json.pretty() == one.json.pretty(), "\(file)")
            #expect(two.full.json.pretty() == one.full.json.pretty())
        }
    }
}
