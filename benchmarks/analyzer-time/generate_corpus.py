#!/usr/bin/env python3
"""Writes a large C# corpus of service classes that use timers, tasks, delays and cancellation in everyday shapes.

Usage: generate_corpus.py OUT_DIR [MIN_LINES]. Deterministic (fixed seed): the same corpus on every machine.
Most code is ordinary (loops, LINQ, parsing, locking, awaited tasks); a minority uses what the rules ban, at about
the density a codebase has before it adopts ContextFlow.
"""
import os
import random
import sys

HEADER = """using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ContextFlow;

namespace Corpus.Area{area};

public sealed class {name} : IDisposable
{{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _cts = new();
    private readonly object _gate = new();
    private readonly List<string> _log = new();
    private Timer? _timer;
    private int _generation;
"""

FOOTER = """
    public void Dispose()
    {{
        _timer?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }}
}}
"""

# Each template is one member; {i} makes names unique within the class.
TEMPLATES = [
    # Ordinary code: the large majority.
    """
    public int Checksum{i}(string text)
    {{
        var sum = 17;
        foreach (var c in text)
        {{
            sum = unchecked((sum * 31) + c);
        }}

        return sum ^ _generation;
    }}
""",
    """
    public IReadOnlyList<string> TopKeys{i}(int count)
    {{
        lock (_gate)
        {{
            return _counts
                .OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key, StringComparer.Ordinal)
                .Take(count)
                .Select(p => p.Key)
                .ToList();
        }}
    }}
""",
    """
    public bool TryParse{i}(string input, out decimal amount, out string currency)
    {{
        amount = 0;
        currency = "";
        var parts = input.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || parts[1].Length != 3)
        {{
            return false;
        }}

        currency = parts[1].ToUpperInvariant();
        return decimal.TryParse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture, out amount);
    }}
""",
    """
    public async Task<int> LoadAll{i}Async(IEnumerable<string> keys, CancellationToken ct)
    {{
        var tasks = keys.Select(k => Task.Run(() => Load{i}Async(k, ct), ct)).ToList();
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        lock (_gate)
        {{
            foreach (var r in results)
            {{
                _counts[r.ToString(CultureInfo.InvariantCulture)] = r;
            }}
        }}

        return results.Sum();
    }}

    private Task<int> Load{i}Async(string key, CancellationToken ct)
    {{
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(key.Length + _generation);
    }}
""",
    """
    public string Render{i}(IEnumerable<KeyValuePair<string, int>> rows)
    {{
        var text = new StringBuilder();
        foreach (var (key, value) in rows)
        {{
            if (text.Length > 0)
            {{
                text.Append(", ");
            }}

            text.Append(key).Append('=').Append(value.ToString(CultureInfo.InvariantCulture));
        }}

        return text.ToString();
    }}
""",
    """
    public async Task<string> WithTimeout{i}Async(Func<CancellationToken, Task<string>> work, CancellationToken ct)
    {{
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _cts.Token);
        linked.CancelAfter(TimeSpan.FromSeconds(30));
        using var registration = linked.Token.Register(() => Interlocked.Increment(ref _generation));
        return await work(linked.Token).ConfigureAwait(false);
    }}
""",
    """
    public void Handle{i}(LoggingContext server, string request)
    {{
        using var scope = server.CreateNested(request).Enter();
        lock (_gate)
        {{
            _log.Add(request);
            _counts.TryGetValue(request, out var seen);
            _counts[request] = seen + 1;
        }}
    }}
""",
    """
    public double Percentile{i}(IReadOnlyList<double> samples, double p)
    {{
        if (samples.Count == 0)
        {{
            throw new ArgumentException("No samples.", nameof(samples));
        }}

        var sorted = samples.OrderBy(x => x).ToArray();
        var rank = p / 100.0 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + ((sorted[high] - sorted[low]) * (rank - low));
    }}
""",
    """
    public async Task Drain{i}Async(IAsyncEnumerable<string> source, CancellationToken ct)
    {{
        await foreach (var item in source.WithCancellation(ct).ConfigureAwait(false))
        {{
            if (string.IsNullOrWhiteSpace(item))
            {{
                continue;
            }}

            lock (_gate)
            {{
                _log.Add(item.Trim());
            }}
        }}
    }}
""",
    # Shapes the rules are about: a minority.
    """
    public void StartFlushing{i}()
    {{
        _timer = new Timer(_ => Flush{i}(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
    }}

    private void Flush{i}()
    {{
        lock (_gate)
        {{
            _counts.Clear();
        }}
    }}
""",
    """
    public async Task<int> Retry{i}Async(Func<CancellationToken, Task<int>> work, CancellationToken ct)
    {{
        for (var attempt = 1; ; attempt++)
        {{
            try
            {{
                return await work(ct).ConfigureAwait(false);
            }}
            catch (TimeoutException) when (attempt < 3)
            {{
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), ct).ConfigureAwait(false);
            }}
        }}
    }}
""",
    """
    public void Kick{i}()
    {{
        _ = Task.Run(() => Interlocked.Increment(ref _generation));
    }}
""",
    """
    public void Schedule{i}(Action action)
    {{
        ThreadPool.UnsafeQueueUserWorkItem(_ => action(), null);
        using (ExecutionContext.SuppressFlow())
        {{
            ThreadPool.QueueUserWorkItem(_ => action());
        }}
    }}
""",
    """
    public async Task Poll{i}Async(CancellationToken ct)
    {{
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {{
            Interlocked.Increment(ref _generation);
        }}
    }}
""",
]

ORDINARY = 9  # the first templates are ordinary code


def main():
    out = sys.argv[1]
    min_lines = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    random.seed(20261123)
    os.makedirs(out, exist_ok=True)
    lines = 0
    n = 0
    while lines < min_lines:
        parts = [HEADER.format(area=n // 50, name=f"Service{n}")]
        for i in range(12):
            # About one member in six uses a banned shape.
            template = random.choice(TEMPLATES[ORDINARY:]) if random.random() < 0.17 else random.choice(TEMPLATES[:ORDINARY])
            parts.append(template.format(i=i))
        parts.append(FOOTER.format())
        text = "".join(parts)
        with open(os.path.join(out, f"Service{n}.cs"), "w", encoding="utf-8") as f:
            f.write(text)
        lines += text.count("\n")
        n += 1
    print(f"{n} files, {lines} lines")


if __name__ == "__main__":
    main()
