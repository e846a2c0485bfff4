'use strict';
exports.value = 'from helper';
