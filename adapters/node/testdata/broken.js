'use strict';
// Throws while being required: an init failure carrying the user's error class.
throw new ReferenceError('configuration is missing');
