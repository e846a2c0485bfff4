<?php
// Throws while being loaded: an init failure carrying the user's exception class.
throw new LogicException('configuration is missing');
