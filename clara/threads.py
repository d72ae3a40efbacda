"""CPU-bound work a shutdown may abandon: run in daemon threads, which neither the event loop nor the interpreter
waits for on the way out.

`asyncio.to_thread` uses the loop's default executor, which `asyncio.run` joins when the server stops and the
interpreter joins again at exit: a large PDF still parsing there held a SIGTERM'd process for 53 s, far past the
10 s a platform allows before SIGKILL. Work whose result nobody needs once its request is gone runs here instead:
the awaiting coroutine can be cancelled at once, and the thread dies with the process.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any, Callable, TypeVar

T = TypeVar("T")


async def run_abandonable(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in a daemon thread of its own (with this context's variables, such as log bindings)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():  # the awaiting request was cancelled: nobody wants the result
            return
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)

    def work() -> None:
        try:
            outcome: tuple[Any, BaseException | None] = (context.run(fn, *args, **kwargs), None)
        except BaseException as exc:  # handed to the awaiting coroutine, which raises it
            outcome = (None, exc)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:  # the loop is closed: the server stopped while this ran
            pass

    threading.Thread(target=work, name=f"abandonable-{getattr(fn, '__name__', 'work')}", daemon=True).start()
    return await future
