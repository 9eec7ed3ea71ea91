/// What a paging or push service's answer means: as a chat webhook's (`HTTPVerdict.classify`),
/// except that 401 and 403 (a wrong or revoked key or token, a bot not in its chat) disable the
/// sink until a reload, keeping its notifications (a fixed key then delivers them), and Matrix's
/// `retry_after_ms` is a retry's earliest time, as Telegram's `retry_after` already is.
extension HTTPVerdict {
    public static func classifyService(status: Int, retryAfter: String?, body: [UInt8], host: String, now: Int64) -> HTTPVerdict {
        if status == 401 || status == 403 {
            let detail = bodyDetail(body)
            return .disable(reason: "HTTP \(status) from \(host)" + (detail.isEmpty ? "" : ": \(detail)")
                + " (the credential was refused: the sink is disabled until a reload, its notifications stay queued)")
        }
        let verdict = classify(status: status, retryAfter: retryAfter, body: body, host: host, now: now)
        if case .retry(let reason, let after) = verdict, let ms = RetryAfter.number(after: "\"retry_after_ms\"", in: body) {
            return .retry(reason: reason, after: min(max(after ?? 0, ms / 1000), maxRetryAfter))
        }
        return verdict
    }
}

extension RetryAfter {
    /// The number after `key` in a JSON body (`"retry_after_ms": 2000`), nil without one.
    public static func number(after key: String, in body: [UInt8]) -> Double? {
        let k = Array(key.utf8)
        guard body.count >= k.count, let start = (0...(body.count - k.count)).first(where: { body[$0..<$0 + k.count].elementsEqual(k) }) else { return nil }
        var i = start + k.count
        while i < body.count, body[i] == 0x20 || body[i] == 0x3A || body[i] == 0x09 { i += 1 }
        var j = i
        while j < body.count, (body[j] >= 0x30 && body[j] <= 0x39) || body[j] == 0x2E { j += 1 }
        guard let v = Double(String(decoding: body[i..<j], as: UTF8.self)), v.isFinite, v >= 0 else { return nil }
        return v
    }
}
