using System;
using System.Threading;

namespace ContextFlow.Tests.Support;

/// <summary>
/// Runs two actions against each other many times, one on a dedicated thread and one on the calling thread, released
/// together for every trial. The second is delayed by a few spins that vary from trial to trial, so the two meet at
/// every point of each other (a spread of some microseconds). Meant for races of that size: many thousands of trials
/// take a second or two.
/// </summary>
internal static class Race
{
    /// <summary>
    /// For each trial: <paramref name="setUp"/>, then <paramref name="first"/> (other thread) against
    /// <paramref name="second"/> (this thread), then <paramref name="check"/> once both are done. An exception in either
    /// action fails the run with that exception.
    /// </summary>
    public static void Run(int trials, Action<int> setUp, Action<int> first, Action<int> second, Action<int> check)
    {
        const int Stop = int.MaxValue;
        var go = 0;
        var done = 0;
        Exception? failure = null;
        var other = new Thread(() =>
        {
            for (var trial = 0; trial < trials; trial++)
            {
                WaitFor(ref go, trial + 1);
                if (Volatile.Read(ref go) == Stop)
                {
                    return;
                }

                try
                {
                    first(trial);
                }
                catch (Exception ex)
                {
                    failure ??= ex;
                }

                Volatile.Write(ref done, trial + 1);
            }
        })
        { IsBackground = true, Name = "Race" };
        other.Start();

        try
        {
            for (var trial = 0; trial < trials; trial++)
            {
                setUp(trial);
                Volatile.Write(ref go, trial + 1);
                Thread.SpinWait(trial % 2 == 0 ? trial % 97 : trial % 97 * 8);

                second(trial);
                WaitFor(ref done, trial + 1);
                if (failure is not null)
                {
                    throw new InvalidOperationException($"The racing action threw in trial {trial}", failure);
                }

                check(trial);
            }
        }
        finally
        {
            Volatile.Write(ref go, Stop);
            other.Join();
        }
    }

    // Spins hard for a while, so that the other thread sees the start within a fraction of a microsecond, and only
    // then yields (a descheduled partner on a loaded machine).
    private static void WaitFor(ref int counter, int value)
    {
        for (var i = 0; Volatile.Read(ref counter) < value; i++)
        {
            if (i < 2_000)
            {
                Thread.SpinWait(1);
            }
            else
            {
                Thread.Yield();
            }
        }
    }
}
