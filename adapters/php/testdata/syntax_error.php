<?php
function handle( {
