extension Monitor {
    /// Evaluates every second after the last evaluated one through `target`. A quiet stretch
    /// (nothing counted within the longest window, every rule ok, conditions that an empty window
    /// cannot trigger) is crossed in one step: nothing can change there.
    mutating func evaluate(through target: Int64) {
        guard let last = evaluatedThrough else {
            // Nothing before the first second the clock reached is evaluated; the sums start
            // there, from whatever the rings already hold.
            flushAll()
            evaluatedThrough = target
            for r in rules.indices {
                let windows = rules[r].inputs.map { inputs[$0].tally.window }
                for k in rules[r].sums.indices {
                    rules[r].sums[k].invalidate()
                    rules[r].sums[k].slide(to: target, over: windows)
                }
            }
            return
        }
        guard target > last else { return }
        flushAll()
        var s = last + 1
        while s <= target {
            if s < target, isQuiet(at: s) {
                for r in rules.indices { for k in rules[r].sums.indices { rules[r].sums[k].reset(through: target - 1) } }
                s = target
            }
            evaluateSecond(s)
            s += 1
        }
        evaluatedThrough = target
    }

    private func isQuiet(at s: Int64) -> Bool {
        guard newestData == .min || newestData < s - longestWindow else { return false }
        return rules.allSatisfy { $0.state.phase == .ok && $0.rule.condition.quietIsInert }
    }

    private mutating func evaluateSecond(_ s: Int64) {
        for r in rules.indices {
            for k in rules[r].sums.indices {
                let windows = rules[r].inputs.map { inputs[$0].tally.window }
                rules[r].sums[k].slide(to: s, over: windows)
            }
            let reading = rules[r].rule.condition.evaluate(rules[r].sums.map(\.sum))
            rules[r].reading = reading
            let rule = rules[r].rule
            guard let kind = rules[r].state.evaluate(reading, forSeconds: rule.forSeconds, resolveFor: rule.resolveFor, now: s) else {
                continue
            }
            let state = rules[r].state
            produced.append(AlertTransition(
                rule: rule, kind: kind, reading: reading, inputs: rules[r].inputs.map { inputs[$0].name },
                at: s, seenAt: max(seenClock, s), state: state, firedAt: state.firedAt))
        }
    }
}
