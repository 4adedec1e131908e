import Dispatch
import Foundation
import Testing

@testable import GLPKSolver
@testable import LinearProgramming

// Shared helpers for the LinearProgramming tests.
//
// Every test that touches a GLPKProblem is synchronous on purpose: GLPK keeps its state per
// thread, and a synchronous test function runs start to finish on one thread, so each problem
// is created, solved and deleted on the same thread.

/// Absolute tolerance for comparing solver output with hand-computed values.
let tolerance = 1e-7

/// The intersection example (LinearProgramTests works it by hand): min c₁x + c₂y with
/// x + 2y ≥ 4s and 3x + y ≥ 6s (x, y ≥ 0). Its vertices are (0, 6s), (1.6s, 1.2s) and (4s, 0);
/// with the default costs (1, 1) the optimum is 2.8s at (1.6s, 1.2s).
func intersectionLP(costs c: (Double, Double) = (1, 1), scale s: Double = 1) -> LinearModel {
    var model = LinearModel()
    let x = model.addVariable()
    let y = model.addVariable()
    model.addConstraint([Term(x, 1), Term(y, 2)], lower: 4 * s)
    model.addConstraint([Term(x, 3), Term(y, 1)], lower: 6 * s)
    model.objective = [Term(x, c.0), Term(y, c.1)]
    return model
}

func close(_ a: Double, _ b: Double, tol: Double = tolerance) -> Bool {
    abs(a - b) <= tol * max(1, abs(b))
}

func close(_ a: [Double], _ b: [Double], tol: Double = tolerance) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tol: tol) }
}

/// Solves `model` with a fresh GLPK problem on the calling thread.
func solve(_ model: LinearModel, options: SolverOptions = SolverOptions()) throws -> Solution {
    try GLPKSolver(options: options).solve(model)
}

/// The error `body` throws, or nil when it returns normally. Every API of the module throws
/// only `LinearProgrammingError`; anything else is recorded as an issue.
func caught<T>(
    _ body: () throws -> T,
    sourceLocation: SourceLocation = #_sourceLocation
) -> LinearProgrammingError? {
    do {
        _ = try body()
        return nil
    } catch let error as LinearProgrammingError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Whether `values` satisfy every bound and row of `model` (and 0/1 for binaries) within `tol`.
func satisfies(_ model: LinearModel, _ values: [Double], tol: Double = 1e-7) -> Bool {
    guard values.count == model.variableCount else { return false }
    for (column, value) in zip(model.columns, values) {
        if value < column.lower - tol || value > column.upper + tol { return false }
        if column.isInteger && abs(value - value.rounded()) > tol { return false }
    }
    for row in model.rows {
        let activity = LinearModel.evaluate(row.terms, at: values)
        if activity < row.lower - tol || activity > row.upper + tol { return false }
    }
    return true
}

/// Lets a value cross into a `@Sendable` closure when the test itself guarantees the access is safe.
struct UncheckedSendable<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// Thread-safe collector for results produced on worker threads.
final class Collector<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Element] = []

    func append(_ element: Element) {
        lock.lock()
        storage.append(element)
        lock.unlock()
    }

    var elements: [Element] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

/// Runs `body` on `count` brand-new threads (never the calling one) and waits for all of them.
func runOnNewThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let done = DispatchSemaphore(value: 0)
    for index in 0..<count {
        let thread = Thread {
            body(index)
            done.signal()
        }
        thread.start()
    }
    for _ in 0..<count { done.wait() }
}

/// A fixed linear congruential sequence of numbers in [0, 1): the same random LPs on every run.
struct SeededNumbers {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
}

extension SeededNumbers {
    /// A random LP on the box [0, 10]ⁿ (n from 3 to 2 + `variables`): 2 to 5 rows ≥ of small
    /// integer coefficients, each through a point inside the box so that the LP is feasible, and
    /// a small integer objective. Its variables in order.
    mutating func feasibleLP(variables count: Int) -> (model: LinearModel, variables: [Variable]) {
        var model = LinearModel()
        let n = 3 + Int(next() * Double(count))
        let variables = (0..<n).map { _ in model.addVariable(lower: 0, upper: 10) }
        for _ in 0..<(2 + Int(next() * 4)) {
            let terms = variables.map { Term($0, (next() * 10).rounded() - 3) }
            let at = terms.reduce(0.0) { $0 + $1.coefficient * 5 }
            model.addConstraint(terms, lower: at - 1 - (next() * 20).rounded())
        }
        model.objective = variables.map { Term($0, (next() * 6).rounded() - 2) }
        return (model, variables)
    }
}
