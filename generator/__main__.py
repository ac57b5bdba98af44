# The signal handling comes first, before any heavy import (generator/startup.py).
from generator.startup import main

main()
