<?php
function helper_value_from_sibling(): string
{
    return 'from helper';
}
