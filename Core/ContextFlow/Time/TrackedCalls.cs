namespace ContextFlow.Time;

/// <summary>
/// The delayed calls a clock's <see cref="Clock.Shutdown"/> cancels: an intrusive doubly linked list through the calls
/// themselves, so linking and unlinking are O(1) and allocate nothing.
/// </summary>
/// <remarks>
/// Not thread-safe: the clock calls <see cref="Link"/>, <see cref="Unlink"/>, <see cref="Detach"/> and
/// <see cref="Count"/> under its lock. <see cref="CancelAll"/> runs outside it, on the chain <see cref="Detach"/>
/// handed over, which no one else touches any more.
/// </remarks>
internal sealed class TrackedCalls
{
    private DelayedCall? _head;

    /// <summary>The calls linked and not yet unlinked or detached.</summary>
    public int Count { get; private set; }

    public void Link(DelayedCall call)
    {
        call.Next = _head;
        if (_head is not null)
        {
            _head.Previous = call;
        }

        _head = call;
        call.IsLinked = true;
        Count++;
    }

    /// <summary>Removes a call; does nothing for one that is not linked (already unlinked, or detached by shutdown).</summary>
    public void Unlink(DelayedCall call)
    {
        if (!call.IsLinked)
        {
            return;
        }

        if (call.Previous is null)
        {
            _head = call.Next;
        }
        else
        {
            call.Previous.Next = call.Next;
        }

        if (call.Next is not null)
        {
            call.Next.Previous = call.Previous;
        }

        call.Previous = call.Next = null;
        call.IsLinked = false;
        Count--;
    }

    /// <summary>
    /// Empties the list and returns its chain. Every call is marked unlinked first, so a call firing concurrently leaves
    /// the chain's links alone while shutdown walks it without the lock.
    /// </summary>
    public DelayedCall? Detach()
    {
        var head = _head;
        for (var call = head; call is not null; call = call.Next)
        {
            call.IsLinked = false;
        }

        _head = null;
        Count = 0;
        return head;
    }

    /// <summary>Cancels every call of a chain <see cref="Detach"/> returned; outside the clock's lock (a timer's disposal is the provider's code).</summary>
    public static void CancelAll(DelayedCall? chain)
    {
        while (chain is not null)
        {
            var next = chain.Next;
            chain.Previous = chain.Next = null;
            chain.CancelCore();
            chain = next;
        }
    }
}
