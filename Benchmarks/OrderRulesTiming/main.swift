// What order rules (whole shares, a minimum trade) cost in planning time: generated households
// planned with and without the rule on every account, strategy by strategy, in one process (so
// no process start or parse is timed). Each plan with the rule is checked by the verifier; slow,
// failed or refused ones are written out as scenario files for whoever tunes the solver.
//
//   cd Benchmarks && ORDER_RULES_TIMING=1 swift run -c release OrderRulesTiming --households 300 --seed 7
//   ORDER_RULES_TIMING=1 swift run -c release OrderRulesTiming --profile direct-indexing --symbols 200 --lots 20000 \
//       --households 1 --rules minTrade:1 --strategies full,cash-only
//
// Options (all optional): --households N (100) --seed S (1) --symbols N (8) --lots N (60)
// --profile default|direct-indexing --rules wholeShares|minTrade:DOLLARS (wholeShares)
// --strategies S1,S2 (full,tax-aware:0.10,band:5,tax-budget:0,cash-only) --time-limit SECONDS
// (60, per solve) --slow-dir DIR (orders-slow, in the current directory; a file already there is
// kept, not overwritten) --slow-ratio R (3: a household slower than
// R × continuous and than 10 ms is written out) --min-ms MS (20: each plan is repeated until this
// much time has passed, and the fastest run counts). One line per household and strategy, then
// the distribution of the ratio per strategy.
import Foundation
import GLPKSolver
import LinearProgramming
import Rebalancing

/// Lines go out as they are made (a run takes minutes): standard output unbuffered.
func print(_ line: String = "") { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

var options: [String: String] = [:]
var arguments = CommandLine.arguments.dropFirst()
while let key = arguments.popFirst() {
    guard key.hasPrefix("--"), let value = arguments.popFirst() else {
        FileHandle.standardError.write(Data("usage: OrderRulesTiming [--option value]… (see the source)\n".utf8))
        exit(2)
    }
    options[String(key.dropFirst(2))] = value
}
@MainActor func option(_ name: String, _ fallback: String) -> String { options.removeValue(forKey: name) ?? fallback }

let households = Int(option("households", "100"))!
let seed = UInt64(option("seed", "1"))!
let symbols = Int(option("symbols", "8"))!
let lots = Int(option("lots", "60"))!
let profile = Generator.Profile(rawValue: option("profile", "default"))!
let rules = option("rules", "wholeShares")
let strategies = try! option("strategies", "full,tax-aware:0.10,band:5,tax-budget:0,cash-only")
    .split(separator: ",").map { try Strategy(parsing: String($0)) }
let timeLimit = Double(option("time-limit", "60"))!
let slowDir = option("slow-dir", "orders-slow")
let slowRatio = Double(option("slow-ratio", "3"))!
let minSeconds = Double(option("min-ms", "20"))! / 1000
precondition(options.isEmpty, "unknown options \(options.keys.sorted())")

@MainActor func withRules(_ scenario: Scenario) -> Scenario {
    var scenario = scenario
    for a in scenario.accounts.indices {
        if rules == "wholeShares" {
            scenario.accounts[a].wholeShares = true
        } else if rules.hasPrefix("minTrade:"), let dollars = Double(rules.dropFirst("minTrade:".count)) {
            scenario.accounts[a].minTrade = dollars
        } else {
            fatalError("--rules: wholeShares or minTrade:DOLLARS, not \(rules)")
        }
    }
    return scenario
}

let planner = Planner(solver: GLPKSolver(options: SolverOptions(timeLimit: timeLimit)), verify: false)

/// The plan and the fastest of as many runs as fit in `minSeconds` (at least one).
@MainActor func timed(_ household: Household, _ strategy: Strategy) -> (Plan, Double) {
    var fastest = Double.infinity, spent = 0.0
    var plan: Plan
    repeat {
        let start = ContinuousClock.now
        plan = planner.plan(household, strategy: strategy)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        fastest = min(fastest, seconds)
        spent += seconds
    } while spent < minSeconds
    return (plan, fastest)
}

let generator = Generator(symbols: symbols, lots: lots, seed: seed, profile: profile)
var ratios: [String: [Double]] = [:]
var totals: [String: (continuous: Double, rules: Double)] = [:]
var problems: [String] = []
try? FileManager.default.createDirectory(atPath: slowDir, withIntermediateDirectories: true)
print("household\tstrategy\tcontinuous_ms\t\(rules)_ms\tratio\tstatus\tintegers")
for index in 0..<households {
    let scenario = generator.household(index)
    let continuous = Household(scenario)
    let ruled = Household(withRules(scenario))
    for strategy in strategies {
        let (_, base) = timed(continuous, strategy)
        let (plan, seconds) = timed(ruled, strategy)
        let violations = plan.status == .optimal ? PlanVerifier(ruled).violations(of: plan) : []
        let ratio = seconds / base
        ratios[strategy.name, default: []].append(ratio)
        totals[strategy.name, default: (0, 0)].continuous += base
        totals[strategy.name, default: (0, 0)].rules += seconds
        let status = violations.isEmpty ? "\(plan.status)" : "verifier: \(violations.joined(separator: "; "))"
        print("\(index)\t\(strategy.name)\t\(String(format: "%.3f", base * 1000))\t\(String(format: "%.3f", seconds * 1000))\t\(String(format: "%.2f", ratio))\t\(status)\t\(Planner.modelSize(ruled, strategy: strategy).variables)")
        let failed = plan.status != .optimal || !violations.isEmpty
        if failed || (ratio > slowRatio && seconds > 0.01) {
            let name = "\(profile.rawValue)-seed\(seed)-\(index)-\(rules.replacingOccurrences(of: ":", with: ""))-\(strategy.name.replacingOccurrences(of: ":", with: "_")).json"
            let path = slowDir + "/" + name
            // Created, never written over (nor through a symbolic link already at that path).
            let data = Data(withRules(scenario).json.serialized().utf8)
            if (try? data.write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)) == nil {
                FileHandle.standardError.write(Data("not written (it exists, or the directory is not writable): \(path)\n".utf8))
            }
            problems.append("\(path)\t\(String(format: "%.1f", ratio))×\t\(String(format: "%.1f", seconds * 1000)) ms\t\(status)")
        }
    }
}

func quantile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))]
}
print("\nstrategy\thouseholds\tmedian ratio\tp90\tp99\tmax\t>\(slowRatio)×\ttotal continuous s\ttotal \(rules) s\ttotal ratio")
for strategy in strategies {
    let values = ratios[strategy.name] ?? []
    let total = totals[strategy.name]!
    print("\(strategy.name)\t\(values.count)\t\(String(format: "%.2f", quantile(values, 0.5)))\t\(String(format: "%.2f", quantile(values, 0.9)))\t\(String(format: "%.2f", quantile(values, 0.99)))\t\(String(format: "%.2f", values.max()!))\t\(values.filter { $0 > slowRatio }.count)\t\(String(format: "%.3f", total.continuous))\t\(String(format: "%.3f", total.rules))\t\(String(format: "%.2f", total.rules / total.continuous))")
}
print("\nwritten out (slow, failed or refused): \(problems.count)")
for problem in problems { print(problem) }
