# PyMOTW threading_event.py: Event.wait with and without a timeout. Ported to Python 3 with
# weft; sleeps scaled down 10x (the set comes 0.3 s after the timed wait gives up, not 1 s).
import logging
import weft as threading
import time

logging.basicConfig(level=logging.DEBUG,
                    format='%(asctime)s (%(threadName)-10s) %(message)s',
                    )

def wait_for_event(e: threading.Event) -> None:
    """Wait for the event to be set before doing anything"""
    logging.debug('wait_for_event starting')
    e.wait()
    logging.debug('e.isSet()->%s', e.isSet())

def wait_for_event_timeout(e: threading.Event, t: float) -> None:
    """Wait t seconds and then timeout"""
    logging.debug('wait_for_event_timeout starting')
    e.wait(t)
    logging.debug('e.isSet()->%s', e.isSet())

e = threading.Event()
t1 = threading.Thread(name='block',
                      target=wait_for_event,
                      args=(e,))
t1.start()

t2 = threading.Thread(name='non-block',
                      target=wait_for_event_timeout,
                      args=(e, 0.2))
t2.start()

logging.debug('Waiting before calling Event.set()')
time.sleep(0.5)
e.set()
logging.debug('Event is set')
